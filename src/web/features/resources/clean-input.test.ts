import { describe, expect, it } from 'vitest'
import { cleanInput } from './clean-input.js'

describe('cleanInput', () => {
  it('trims text and sends cleared boxes as null, inside detail too', () => {
    expect(cleanInput({ name: ' 镇应急队 ', note: '  ', lng: undefined, detail: { headcount: 32, insured: false, equipmentSummary: '' } }))
      .toEqual({ name: '镇应急队', note: null, lng: null, detail: { headcount: 32, insured: false, equipmentSummary: null } })
  })

  it('drops blank entries of a tag list', () => {
    expect(cleanInput({ specialities: [' 综合', '', '防汛抗旱 '] })).toEqual({ specialities: ['综合', '防汛抗旱'] })
  })

  it('keeps zero and false', () => {
    expect(cleanInput({ capacity: 0, insured: false })).toEqual({ capacity: 0, insured: false })
  })
})
