import { describe, expect, it } from 'vitest'
import { changesOf } from './changes.js'

describe('changesOf', () => {
  it('lists every field once and marks the changed ones', () => {
    const rows = changesOf({ name: '月河街道应急办', phone: '0572-2012345', kind: 'government' }, { name: '月河街道应急管理办公室', phone: '0572-2012345', address: '人民路 1 号' })
    expect(rows).toEqual([
      { field: 'name', before: '月河街道应急办', after: '月河街道应急管理办公室', changed: true },
      { field: 'phone', before: '0572-2012345', after: '0572-2012345', changed: false },
      { field: 'kind', before: 'government', after: undefined, changed: true },
      { field: 'address', before: undefined, after: '人民路 1 号', changed: true },
    ])
  })

  it('compares nested values by content', () => {
    expect(changesOf({ roles: ['head', 'liaison'] }, { roles: ['head', 'liaison'] })[0].changed).toBe(false)
    expect(changesOf({ roles: ['head'] }, { roles: ['liaison'] })[0].changed).toBe(true)
  })

  it('shows a creation as its content and a plain value under one row', () => {
    expect(changesOf(null, { username: 'wx-duty-1' })).toEqual([{ field: 'username', before: undefined, after: 'wx-duty-1', changed: true }])
    expect(changesOf(undefined, 3)).toEqual([{ field: '值', before: undefined, after: 3, changed: true }])
    expect(changesOf(null, null)).toEqual([])
  })
})
