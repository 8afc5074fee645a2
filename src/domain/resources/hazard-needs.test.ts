import { describe, expect, it } from 'vitest'
import { allSupplyNeeds, HAZARD_SUPPLY_NEEDS, lineMeetsNeed, needGroupOf } from './hazard-needs.js'

describe('hazard supply checklist', () => {
  it('puts each hazard type in one group at most', () => {
    const hazards = HAZARD_SUPPLY_NEEDS.flatMap((g) => g.hazards)
    expect(new Set(hazards).size).toBe(hazards.length)
    expect(needGroupOf('内涝')!.group).toBe('防汛')
    expect(needGroupOf('道路交通')).toBeUndefined()
  })

  it('lists each item once, with labels unique', () => {
    const labels = allSupplyNeeds().map((n) => n.label)
    expect(new Set(labels).size).toBe(labels.length)
    expect(labels).toContain('救生衣')
  })

  it('accepts a line by name keyword only when stocked and not scrapped', () => {
    const boat = needGroupOf('山洪')!.items.find((i) => i.label === '冲锋舟或橡皮艇')!
    expect(lineMeetsNeed(boat, { name: '充气橡皮艇', quantity: 1, condition: 'good' })).toBe(true)
    expect(lineMeetsNeed(boat, { name: '冲锋舟', quantity: 1, condition: 'repair' })).toBe(true)
    expect(lineMeetsNeed(boat, { name: '冲锋舟', quantity: 1, condition: 'scrapped' })).toBe(false)
    expect(lineMeetsNeed(boat, { name: '冲锋舟', quantity: 0, condition: 'good' })).toBe(false)
    expect(lineMeetsNeed(boat, { name: '救生衣', quantity: 9, condition: 'good' })).toBe(false)
  })
})
