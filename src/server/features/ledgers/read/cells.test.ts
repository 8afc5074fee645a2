import { describe, expect, it } from 'vitest'
import { dateFromNumber, normaliseCell, parseDateText, parseNumberText, parseQuantityText } from './cells.js'
import type { Cell, ColumnSpec } from './types.js'
import { toCell } from './xlsx.js'

const col = (type: ColumnSpec['type'], extra: Partial<ColumnSpec> = {}): ColumnSpec => ({ key: 'k', labels: ['列'], type, ...extra })
const text = (t: string): Cell => ({ kind: 'text', text: t })
const num = (n: number): Cell => toCell(n)

describe('numbers', () => {
  it('reads numbers stored as text, full-width digits and thousands separators', () => {
    expect(parseNumberText('200')).toBe(200)
    expect(parseNumberText('２００')).toBe(200)
    expect(parseNumberText(' 1,200 ')).toBe(1200)
    expect(parseNumberText('1，234，567.5')).toBe(1234567.5)
    expect(parseNumberText('3.5')).toBe(3.5)
    expect(parseNumberText('12,34')).toBeNull()
    expect(parseNumberText('六')).toBeNull()
  })

  it('keeps integers whole and refuses fractions in an integer column', () => {
    expect(normaliseCell(text('３０'), col('integer'))).toEqual({ value: 30 })
    expect(normaliseCell(num(29.999999999999996), col('integer'))).toEqual({ value: 30 })
    expect(normaliseCell(text('2.5'), col('integer'))).toMatchObject({ value: null, reason: '不是整数' })
    expect(normaliseCell(text('约三十'), col('number'))).toMatchObject({ value: null, reason: '不是数字' })
  })

  it('treats a dash or 无 in a number column as blank, not as a mistake', () => {
    expect(normaliseCell(text('—'), col('number'))).toEqual({ value: null })
    expect(normaliseCell(text('无'), col('quantity'))).toEqual({ value: null })
  })
})

describe('quantities', () => {
  it('strips the unit written into the quantity and hands it back', () => {
    expect(parseQuantityText('6台')).toEqual({ value: 6, unit: '台' })
    expect(parseQuantityText('200 件')).toEqual({ value: 200, unit: '件' })
    expect(parseQuantityText('1.5吨')).toEqual({ value: 1.5, unit: '吨' })
    expect(parseQuantityText('约50个')).toEqual({ value: 50, unit: '个' })
    expect(parseQuantityText('50余件')).toEqual({ value: 50, unit: '件' })
    expect(parseQuantityText('1,200条')).toEqual({ value: 1200, unit: '条' })
    expect(parseQuantityText('２００')).toEqual({ value: 200 })
    expect(normaliseCell(text('６台'), col('quantity'))).toEqual({ value: 6, unit: '台' })
    expect(normaliseCell(num(12), col('quantity'))).toEqual({ value: 12 })
  })

  it('refuses quantities that are not numbers, or negative', () => {
    expect(normaliseCell(text('六台'), col('quantity'))).toMatchObject({ value: null, reason: '不是数字' })
    expect(normaliseCell(text('若干'), col('quantity'))).toMatchObject({ value: null, reason: '不是数字' })
    expect(normaliseCell(text('2箱20瓶'), col('quantity'))).toMatchObject({ value: null, reason: '不是数字' })
    expect(normaliseCell(num(-3), col('quantity'))).toMatchObject({ value: null, reason: '不能为负数' })
  })
})

describe('dates', () => {
  it('reads the ways dates are typed, month-only as the 1st', () => {
    expect(parseDateText('2019.5')).toBe('2019-05-01')
    expect(parseDateText('2019年5月')).toBe('2019-05-01')
    expect(parseDateText('2019-05-01')).toBe('2019-05-01')
    expect(parseDateText('2019/5/1')).toBe('2019-05-01')
    expect(parseDateText('2019.05.01')).toBe('2019-05-01')
    expect(parseDateText('2019年')).toBe('2019-01-01')
    expect(parseDateText('2019 年 5 月 3 日')).toBe('2019-05-03')
    expect(parseDateText('２０１９．１０')).toBe('2019-10-01')
    expect(parseDateText('2019-05-01 08:30:00')).toBe('2019-05-01')
    expect(parseDateText('20190501')).toBe('2019-05-01')
    expect(parseDateText('45000')).toBe('2023-03-15')
  })

  it('refuses dates that do not exist', () => {
    expect(parseDateText('2019-02-30')).toBeNull()
    expect(parseDateText('2019.13')).toBeNull()
    expect(parseDateText('去年')).toBeNull()
    expect(normaliseCell(text('2019-13-01'), col('date'))).toMatchObject({ value: null, reason: expect.stringContaining('不是有效的日期') })
  })

  it('reads Excel serials, Date cells, and year or year.month left as numbers', () => {
    expect(dateFromNumber(45000)).toBe('2023-03-15')
    expect(dateFromNumber(43586)).toBe('2019-05-01')
    expect(dateFromNumber(2019)).toBe('2019-01-01')
    expect(dateFromNumber(2019.5)).toBe('2019-05-01')
    expect(dateFromNumber(2019.12)).toBe('2019-12-01')
    expect(dateFromNumber(201905)).toBe('2019-05-01')
    expect(normaliseCell(toCell(new Date(Date.UTC(2024, 2, 5))), col('date'))).toEqual({ value: '2024-03-05' })
    expect(normaliseCell(num(45000.75), col('date'))).toEqual({ value: '2023-03-15' })
  })

  it('takes an open-ended expiry as no date', () => {
    expect(normaliseCell(text('长期'), col('date'))).toEqual({ value: null })
  })
})

describe('phones', () => {
  it('normalises mobiles typed with spaces, dashes, +86 or full-width digits', () => {
    for (const typed of ['138 5720 0002', '138-5720-0002', '+86 13857200002', '１３８５７２００００２']) {
      expect(normaliseCell(text(typed), col('mobile'))).toEqual({ value: '13857200002' })
    }
    expect(normaliseCell(num(13857200002), col('mobile'))).toEqual({ value: '13857200002' })
  })

  it('takes the mobile out of a cell holding several numbers', () => {
    expect(normaliseCell(text('13857200002/0572-2012345'), col('mobile'))).toEqual({ value: '13857200002' })
    expect(normaliseCell(text('0572-2012345、13857200002'), col('mobile'))).toEqual({ value: '13857200002' })
    expect(normaliseCell(text('13857200002（张三）'), col('mobile'))).toEqual({ value: '13857200002' })
    // A phone column takes the first number that is valid.
    expect(normaliseCell(text('0572 2012345/13857200002'), col('phone'))).toEqual({ value: '0572-2012345' })
  })

  it('gives the reason a number was refused', () => {
    expect(normaliseCell(text('0572-2012345'), col('mobile'))).toMatchObject({ value: null, reason: '是固定电话，不是手机号，请填入固定电话一栏' })
    expect(normaliseCell(text('2012345'), col('phone')).reason).toContain('不是有效的电话号码')
    expect(normaliseCell(text('1385720000'), col('mobile')).reason).toContain('不是有效的手机号')
  })
})

describe('enums, text and special cells', () => {
  const status = col('enum', { enumLabels: { good: ['完好', '正常', '良好'], repair: ['待修', '损坏', '维修'], scrapped: ['报废'] } })

  it('maps synonyms to the key and lists the choices when none fits', () => {
    expect(normaliseCell(text(' 良 好 '), status)).toEqual({ value: 'good' })
    expect(normaliseCell(text('维修'), status)).toEqual({ value: 'repair' })
    expect(normaliseCell(text('scrapped'), status)).toEqual({ value: 'scrapped' })
    expect(normaliseCell(text('丢失'), status)).toMatchObject({ value: null, reason: '不是可选的值（可填：完好、待修、报废）' })
  })

  it('keeps text as written and regions without the spaces used to align them', () => {
    expect(normaliseCell(text('  救生衣（成人） '), col('text'))).toEqual({ value: '救生衣（成人）' })
    expect(normaliseCell(text('八 里 店 镇'), col('region'))).toEqual({ value: '八里店镇' })
    expect(normaliseCell(num(0.1 + 0.2), col('text'))).toEqual({ value: '0.3' })
  })

  it('reads formulas by their cached result, rich text and hyperlinks by their text', () => {
    expect(toCell({ formula: 'F5*2', result: 12 })).toEqual({ kind: 'number', number: 12, text: '12' })
    expect(toCell({ sharedFormula: 'F5', result: '织里镇' })).toEqual({ kind: 'text', text: '织里镇' })
    expect(toCell({ richText: [{ text: '救生' }, { font: { bold: true }, text: '衣' }] })).toEqual({ kind: 'text', text: '救生衣' })
    expect(toCell({ text: '说明书', hyperlink: 'https://example.org/a' })).toEqual({ kind: 'text', text: '说明书' })
    expect(toCell(true)).toEqual({ kind: 'bool', text: 'TRUE' })
  })

  it('refuses error cells and formulas without a result', () => {
    const error = toCell({ error: '#REF!' })
    expect(error).toEqual({ kind: 'error', text: '#REF!' })
    expect(normaliseCell(error, col('quantity')).reason).toContain('公式错误')
    // The streaming reader turns an error result of a formula into NaN.
    expect(normaliseCell(toCell({ formula: 'A1/0', result: Number.NaN }), col('number')).reason).toContain('公式错误')
    const uncalculated = normaliseCell(toCell({ formula: 'SUM(F5:F9)' }), col('quantity'))
    expect(uncalculated).toMatchObject({ value: null, aboutCell: true })
    expect(uncalculated.reason).toContain('公式未计算')
  })
})
