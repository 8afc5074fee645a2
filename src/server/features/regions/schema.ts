import { Type, type Static } from 'typebox'

// Spelled out: a mapped array would type as never. Same values as REGION_LEVELS.
const Level = Type.Union([
  Type.Literal('province'), Type.Literal('city'), Type.Literal('county'), Type.Literal('township'), Type.Literal('village'),
], { title: '区划层级' })
const Kind = Type.Union([Type.String(), Type.Null()], { title: '区划类别', description: '街道、镇、乡、居委会、村委会等；省市县为空' })

export const CodeParam = Type.Object({
  code: Type.String({ pattern: '^[0-9]{12}$', title: '区划代码' }),
}, { additionalProperties: false })

export const SearchQuery = Type.Object({
  q: Type.String({ minLength: 1, maxLength: 60, title: '区划名称' }),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20, title: '返回条数' })),
}, { additionalProperties: false })

export const Region = Type.Object({
  code: Type.String({ title: '区划代码' }),
  name: Type.String({ title: '名称' }),
  fullName: Type.String({ title: '全称', description: '自地级市起的各级名称，如“湖州市吴兴区月河街道”' }),
  level: Level,
  kind: Kind,
  parentCode: Type.Union([Type.String(), Type.Null()], { title: '上级区划代码' }),
  childCount: Type.Integer({ title: '下级区划数' }),
})
export type Region = Static<typeof Region>

export const RegionDetail = Type.Object({
  ...Region.properties,
  path: Type.Array(Type.Object({ code: Type.String(), name: Type.String() }), {
    title: '层级路径',
    description: '从本人辖区到该区划（含两端）；本人辖区以上的区划不列出',
  }),
})
export type RegionDetail = Static<typeof RegionDetail>

export const RegionList = Type.Array(Region)

export const SearchReply = Type.Object({
  items: Type.Array(Type.Object({
    code: Type.String(),
    name: Type.String(),
    fullName: Type.String(),
    level: Level,
    kind: Kind,
  })),
  match: Type.Union([Type.Literal('one'), Type.Literal('none'), Type.Literal('ambiguous')], {
    title: '匹配结果',
    description: 'one：唯一确定；ambiguous：有多个同样符合的区划（items 为这些区划），需补充上级名称；none：没有符合的区划（items 为名称含该文字的建议）',
  }),
})
export type SearchReply = Static<typeof SearchReply>
