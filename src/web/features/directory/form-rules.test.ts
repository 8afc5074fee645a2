import type { FormRule } from 'antd'
import { describe, expect, it } from 'vitest'
import { creditCheckChar } from '../../../domain/people/units.js'
import { blankToNull, creditCodeRule, emailRule, phoneRule } from './form-rules.js'

/** Runs an antd validator rule the way the form does: resolves when valid, rejects with the reason. */
async function check(rule: FormRule, value: unknown): Promise<string | null> {
  const r = typeof rule === 'function' ? rule({} as never) : rule
  try {
    await r.validator!({} as never, value, () => {})
    return null
  } catch (e) {
    return (e as Error).message
  }
}

describe('phoneRule', () => {
  it('accepts numbers as people type them', async () => {
    expect(await check(phoneRule('mobile'), '138 5720 0002')).toBeNull()
    expect(await check(phoneRule('landline'), '(0572)2012345')).toBeNull()
    expect(await check(phoneRule('any'), '0572-2012345转801')).toBeNull()
  })

  it('lets a masked number from the record through: the server keeps the stored one', async () => {
    expect(await check(phoneRule('mobile'), '138****0002')).toBeNull()
  })

  it('leaves empty to the required rule', async () => {
    expect(await check(phoneRule('mobile'), '')).toBeNull()
    expect(await check(phoneRule('mobile'), null)).toBeNull()
  })

  it('says why a number is refused', async () => {
    expect(await check(phoneRule('mobile'), '0572-2012345')).toBe('是固定电话，不是手机号，请填入固定电话一栏')
    expect(await check(phoneRule('landline'), '2012345')).toBe('缺少区号（如 0572-2012345）')
  })
})

describe('emailRule', () => {
  it('accepts addresses typed with a full-width @, refuses ones without a domain', async () => {
    expect(await check(emailRule, 'zhangxy＠huzhou.gov.cn')).toBeNull()
    expect(await check(emailRule, '')).toBeNull()
    expect(await check(emailRule, 'zhangxy@huzhou')).toBe('邮箱格式不正确')
  })
})

describe('creditCodeRule', () => {
  it('checks the check character of a 统一社会信用代码', async () => {
    const first17 = '91330500MA2B3C4D5'
    const wrong = creditCheckChar(first17) === '0' ? '1' : '0'
    expect(await check(creditCodeRule, first17 + creditCheckChar(first17))).toBeNull()
    expect(await check(creditCodeRule, first17 + wrong)).toBe('统一社会信用代码校验位不正确，请核对是否抄错')
    expect(await check(creditCodeRule, '')).toBeNull()
  })
})

describe('blankToNull', () => {
  it('trims text and turns cleared inputs into null', () => {
    expect(blankToNull({ name: ' 月河街道 ', post: '   ', unitId: undefined, roles: ['head'] })).toEqual({ name: '月河街道', post: null, unitId: null, roles: ['head'] })
  })
})
