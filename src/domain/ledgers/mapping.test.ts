import { describe, expect, it } from 'vitest'
import { annexByKey } from './annexes.js'
import { isEquipmentWord, mappingTargets, personFieldOf, regionWordsOf, splitPersonHeader } from './mapping.js'

describe('region headers', () => {
  it('read the places however offices head them, compounds included', () => {
    const words = (t: string) => [...(regionWordsOf(t) ?? [])].sort()
    expect(words('乡镇（街道）/村（社区）')).toEqual(['township', 'village'])
    expect(words('所在镇街及村社')).toEqual(['township', 'village'])
    expect(words('单位（村社区）名称')).toEqual(['unit', 'village'])
    expect(words('乡镇（街道）/企业')).toEqual(['township', 'unit'])
    expect(words('县（市、区）')).toEqual(['county'])
    expect(words('镇（乡、街道）')).toEqual(['township'])
    expect(words('村居委会')).toEqual(['village'])
    expect(words('所属村（居）')).toEqual(['village'])
  })

  it('are not a unit of measure, a place of storage or a name', () => {
    for (const t of ['单位', '计量单位', '存放地点', '名称', '所在地', '物资名称', '驻地']) expect(regionWordsOf(t), t).toBeNull()
  })
})

describe('person headers', () => {
  it('name the field under a group, and role and field in one cell', () => {
    expect(personFieldOf('手机号码')).toBe('mobile')
    expect(personFieldOf('办公电话')).toBe('landline')
    expect(personFieldOf('联系电话')).toBe('phone')
    expect(personFieldOf('微信号')).toBe('wechat')
    expect(personFieldOf('数量')).toBeNull()
    expect(splitPersonHeader('联系人电话')).toEqual({ role: '联系人', field: 'phone' })
    expect(splitPersonHeader('保管员')).toEqual({ role: '保管员', field: 'name' })
    expect(splitPersonHeader('主要负责人手机')).toEqual({ role: '主要负责人', field: 'mobile' })
    expect(splitPersonHeader('所属队伍')).toBeNull()
  })
})

describe('what a column may be mapped to', () => {
  it('is the annex’s columns, then places, 类别 and a second contact for supplies', () => {
    const keys = mappingTargets(annexByKey('annex4')!).map((t) => t.key)
    expect(keys).toEqual(expect.arrayContaining(['holder', 'name', 'quantity', 'keeperName', 'keeperPost', 'county', 'township', 'village', 'place', 'category', 'liaisonName', 'liaisonPhone']))
    expect(keys).not.toContain('seq')
    const annex5 = mappingTargets(annexByKey('annex5')!)
    expect(annex5.find((t) => t.key === 'headPhone')).toMatchObject({ label: '负责人/联系电话', person: { field: 'phone' }, extra: true })
    expect(annex5.find((t) => t.key === 'township')).toMatchObject({ required: true, place: 'township' })
    expect(annex5.some((t) => t.key === 'deputyName')).toBe(true)
    // A team's lines are placed by their team, not by a region column.
    expect(mappingTargets(annexByKey('annex3')!).some((t) => t.place)).toBe(false)
  })

  it('reads 物资 and 装备 in a 类别 column, and nothing from other words', () => {
    expect(isEquipmentWord('装备')).toBe(true)
    expect(isEquipmentWord(' 物资 ')).toBe(false)
    expect(isEquipmentWord('防汛类')).toBeNull()
  })
})
