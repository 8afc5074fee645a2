import { describe, expect, it } from 'vitest'
import { ApiError, isApiError, queryString, toApiError } from './http.js'

describe('queryString', () => {
  it('leaves out filters the user left blank', () => {
    expect(queryString({ regionCode: '330502000000', q: '', kind: undefined, unitId: null, page: 2 })).toBe('?regionCode=330502000000&page=2')
  })

  it('encodes Chinese search text', () => {
    expect(queryString({ q: '月河 街道' })).toBe('?q=%E6%9C%88%E6%B2%B3+%E8%A1%97%E9%81%93')
  })

  it('is empty when nothing is set', () => {
    expect(queryString({})).toBe('')
    expect(queryString()).toBe('')
  })
})

describe('toApiError', () => {
  it('keeps the server’s code, Chinese message and details', () => {
    const e = toApiError(409, { code: 'STALE_VERSION', message: '人员已被他人修改，请刷新后再提交', details: [{ field: 'version' }] })
    expect(e).toBeInstanceOf(ApiError)
    expect([e.status, e.code, e.message, e.details]).toEqual([409, 'STALE_VERSION', '人员已被他人修改，请刷新后再提交', [{ field: 'version' }]])
    expect(isApiError(e, 'STALE_VERSION')).toBe(true)
    expect(isApiError(e, 'NOT_FOUND')).toBe(false)
  })

  it('speaks Chinese when a proxy answers instead of the server', () => {
    expect(toApiError(502, '<html>Bad Gateway</html>').message).toBe('服务器内部错误，请稍后重试或联系系统管理员')
    expect(toApiError(429, undefined).message).toBe('请求过于频繁，请稍后再试')
    expect(toApiError(404, undefined)).toMatchObject({ code: 'HTTP_404', message: '请求失败（404）' })
  })

  it('treats missing details as none', () => {
    expect(toApiError(400, { code: 'X', message: '错误' }).details).toEqual([])
  })
})
