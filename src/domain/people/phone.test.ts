import { describe, expect, it } from 'vitest'
import { LANDLINE_REASON, maskPhone, MOBILE_REASON, normaliseLandline, normaliseMobile, normalisePhone, phoneDigits } from './phone.js'
import { checkCreditCode, creditCheckChar } from './units.js'

describe('normaliseMobile', () => {
  it.each([
    ['13857200002', '13857200002'],
    ['138 5720 0002', '13857200002'],
    ['138-5720-0002', '13857200002'],
    ['+86 138 5720 0002', '13857200002'],
    ['+8613857200002', '13857200002'],
    ['86-138-5720-0002', '13857200002'],
    ['0086 13857200002', '13857200002'],
    ['013857200002', '13857200002'],
    ['１３８５７２００００２', '13857200002'],
    ['１３８－５７２０－０００２', '13857200002'],
    ['138—5720—0002', '13857200002'],
    ['(138) 5720.0002', '13857200002'],
    ['  19912345678 ', '19912345678'],
  ])('accepts %s as %s', (input, value) => {
    expect(normaliseMobile(input)).toEqual({ ok: true, value, kind: 'mobile' })
  })

  it.each([
    ['1385720'],
    ['12857200002'],
    ['138572000021'],
    ['1385720000a'],
    ['电话13857200002'],
    [''],
  ])('refuses %s', (input) => {
    expect(normaliseMobile(input)).toEqual({ ok: false, reason: MOBILE_REASON })
  })

  it('says when a landline was typed where a mobile belongs', () => {
    expect(normaliseMobile('0572-2012345')).toEqual({ ok: false, reason: '是固定电话，不是手机号，请填入固定电话一栏' })
  })
})

describe('normaliseLandline', () => {
  it.each([
    ['0572-2012345', '0572-2012345'],
    ['(0572)2012345', '0572-2012345'],
    ['（0572）2012345', '0572-2012345'],
    ['0572 2012345', '0572-2012345'],
    ['05722012345', '0572-2012345'],
    ['0572-2012345-801', '0572-2012345-801'],
    ['0572-2012345转801', '0572-2012345-801'],
    ['0572-2012345 ext. 801', '0572-2012345-801'],
    ['05722012345-801', '0572-2012345-801'],
    ['010-6552-1234', '010-65521234'],
    ['021 5555 6666', '021-55556666'],
    ['0755-86001234', '0755-86001234'],
    ['+86 572 2012345', '0572-2012345'],
    ['+86-10-65521234', '010-65521234'],
    ['０５７２－２０１２３４５', '0572-2012345'],
    ['400-810-8888', '400-810-8888'],
  ])('accepts %s as %s', (input, value) => {
    expect(normaliseLandline(input)).toEqual({ ok: true, value, kind: 'landline' })
  })

  it.each([
    ['0572-201234'],
    ['0572-0012345'],
    ['13857200002'],
    ['0572-2012345-1234567'],
    ['总机'],
  ])('refuses %s', (input) => {
    expect(normaliseLandline(input)).toEqual({ ok: false, reason: LANDLINE_REASON })
  })

  it('asks for the area code when only the local number is given', () => {
    expect(normaliseLandline('2012345')).toEqual({ ok: false, reason: '缺少区号（如 0572-2012345）' })
  })
})

describe('normalisePhone', () => {
  it('takes either kind', () => {
    expect(normalisePhone('138 5720 0002')).toEqual({ ok: true, value: '13857200002', kind: 'mobile' })
    expect(normalisePhone('(0572)2012345')).toEqual({ ok: true, value: '0572-2012345', kind: 'landline' })
    expect(normalisePhone('12345').ok).toBe(false)
  })
})

describe('maskPhone', () => {
  it.each([
    ['13857200002', '138****0002'],
    ['0572-2012345', '0572-****345'],
    ['010-65521234', '010-****1234'],
    ['0572-2012345-801', '0572-****345-801'],
    ['400-810-8888', '400-***-8888'],
    ['旧号码 2012345', '****2345'],
    ['123', '****'],
  ])('masks %s as %s', (value, masked) => {
    expect(maskPhone(value)).toBe(masked)
  })

  it('leaves empty values empty', () => {
    expect(maskPhone(null)).toBeNull()
    expect(maskPhone('')).toBe('')
  })
})

describe('phoneDigits', () => {
  it('keeps digits whatever the separators or width', () => {
    expect(phoneDigits('１３８-5720 0002')).toBe('13857200002')
  })
})

describe('checkCreditCode', () => {
  it('accepts the example of GB 32100 and forgives case and spaces', () => {
    expect(checkCreditCode('91350100M000100Y43')).toEqual({ ok: true, value: '91350100M000100Y43' })
    expect(checkCreditCode(' 91350100m000100y43 ')).toEqual({ ok: true, value: '91350100M000100Y43' })
  })

  it('refuses wrong length, forbidden letters and a wrong check character', () => {
    expect(checkCreditCode('91350100M000100Y4')).toEqual({ ok: false, reason: '应为 18 位（现为 17 位）' })
    expect(checkCreditCode('91350100M000100I43').ok).toBe(false)
    expect(checkCreditCode('91350100M000100Y44')).toEqual({ ok: false, reason: '校验位不正确，请核对是否抄错' })
  })

  it('computes the check character', () => {
    expect(creditCheckChar('91350100M000100Y4')).toBe('3')
  })
})
