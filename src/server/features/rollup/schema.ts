import { Type, type Static, type TSchema } from 'typebox'
import { CONDITIONS, RESOURCE_KIND_KEYS } from '../../../domain/resources/kinds.js'
import { Page, PageSize } from '../../schema/numbers.js'

const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])

const regionCode = Type.Optional(Type.String({
  pattern: '^[0-9]{12}$', title: '区划', description: '汇总该区划及其下级；默认为本人辖区',
}))

export const RegionHead = Type.Object({
  code: Type.String(),
  name: Type.String(),
  fullName: Type.String(),
  level: Type.String(),
})
export type RegionHead = Static<typeof RegionHead>

/** Every roll-up says whether demo rows are among its figures; the web shows a note when they are. */
const includesDemo = Type.Optional(Type.Boolean({ description: '所汇总的范围内含演示数据（名称带“（演示）”）' }))

const childDescription = '直属下级区划，各自汇总其全部下级；正好登记在本区划的记录列为“本级”（code 与所查区划相同）'

// ---- supplies ----

export const SupplyRollupQuery = Type.Object({
  regionCode,
  classCode: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{6}$', title: '物资分类', description: '含其下级分类' })),
  isEquipment: Type.Optional(Type.Boolean({ title: '是否装备' })),
  condition: Type.Optional(Type.Enum(Object.keys(CONDITIONS), { title: '状况' })),
}, { additionalProperties: false })
export type SupplyRollupQuery = Static<typeof SupplyRollupQuery>

const TopClassLines = Type.Object({ classCode: Type.String(), className: Type.String(), lines: Type.Integer() })

export const SupplyRollup = Type.Object({
  region: RegionHead,
  includesDemo,
  total: Type.Object({
    lines: Type.Integer(),
    quantityByUnit: Type.Array(Type.Object({ unit: Type.String(), quantity: Type.Number() }), { description: '不同计量单位的数量从不相加' }),
    equipmentLines: Type.Integer(),
    byTopClass: Type.Array(TopClassLines),
  }),
  children: Type.Array(Type.Object({
    code: Type.String(),
    name: Type.String(),
    level: Type.String(),
    lines: Type.Integer(),
    equipmentLines: Type.Integer(),
    byTopClass: Type.Array(TopClassLines),
    reported: Type.Boolean({ description: '是否登记过任何物资（不论筛选条件）' }),
  }), { description: childDescription }),
  byName: Type.Array(Type.Object({
    name: Type.String(), unit: Type.String(), quantity: Type.Number(), lines: Type.Integer(),
  }), { description: '按条目数排前 50 的物资名称（同名不同单位分列）' }),
})
export type SupplyRollup = Static<typeof SupplyRollup>

// ---- resources ----

export const RegionQuery = Type.Object({ regionCode }, { additionalProperties: false })
export type RegionQuery = Static<typeof RegionQuery>

const kindCounts = Type.Object(Object.fromEntries(RESOURCE_KIND_KEYS.map((k) => [k, Type.Integer()])))

const resourceFigures = {
  counts: kindCounts,
  records: Type.Integer(),
  teamHeadcount: Type.Integer({ description: '在用队伍人数合计' }),
  shelterCapacity: Type.Integer({ description: '避难场所可容纳人数合计' }),
  riskPoints: Type.Object({ general: Type.Integer(), major: Type.Integer() }, { description: '未销号的风险隐患点，按等级' }),
  stale: Type.Integer({ description: '超过更新期限未确认的记录数' }),
}

const ResourceFigures = Type.Object(resourceFigures)
export type ResourceFigures = Static<typeof ResourceFigures>

export const ResourceRollup = Type.Object({
  region: RegionHead,
  includesDemo,
  total: ResourceFigures,
  children: Type.Array(Type.Object({
    code: Type.String(),
    name: Type.String(),
    level: Type.String(),
    ...resourceFigures,
    reported: Type.Boolean(),
  }), { description: childDescription }),
})
export type ResourceRollup = Static<typeof ResourceRollup>

// ---- completeness ----

export const CompletenessQuery = Type.Object({
  regionCode,
  level: Type.Optional(Type.Enum(['township', 'village'], { title: '层级', description: '默认：区县及以上查乡镇，乡镇查村社区' })),
  onlyMissing: Type.Optional(Type.Boolean({ title: '只看有缺项的' })),
  page: Type.Optional(Page({ default: 1 })),
  pageSize: Type.Optional(PageSize(200, { default: 50 })),
}, { additionalProperties: false })
export type CompletenessQuery = Static<typeof CompletenessQuery>

/** The page's filters without its paging: an export holds every row. */
export const CompletenessExportQuery = Type.Object({
  regionCode: CompletenessQuery.properties.regionCode,
  level: CompletenessQuery.properties.level,
  onlyMissing: CompletenessQuery.properties.onlyMissing,
}, { additionalProperties: false })
export type CompletenessExportQuery = Static<typeof CompletenessExportQuery>

export const Indicator = Type.Object({
  key: Type.String(),
  label: Type.String(),
  ok: nullable(Type.Boolean({ description: 'null 表示尚未纳入统计，不算达标' })),
  note: Type.String(),
})
export type Indicator = Static<typeof Indicator>

export const CompletenessRow = Type.Object({
  code: Type.String(),
  name: Type.String(),
  parentName: Type.String(),
  hasTeam: Type.Boolean(),
  teamHeadcount: nullable(Type.Integer({ description: '本级最大一支队伍的人数' })),
  teamMeetsMinimum: Type.Boolean(),
  hasHead: Type.Boolean(),
  hasLiaison: Type.Boolean(),
  informants: Type.Integer(),
  supplyLines: Type.Integer(),
  hasStoragePoint: Type.Boolean(),
  hasShelter: Type.Boolean(),
  hasLeadingGroup: Type.Boolean(),
  reported: Type.Boolean(),
  hazards: Type.Array(Type.String(), { description: '本区划（乡镇含其村社区）未销号风险隐患点的灾种' }),
  missingForHazards: Type.Array(Type.Object({
    hazard: Type.String(),
    items: Type.Array(Type.String()),
  }), { description: '按灾种列出缺少的必备物资（有数量、未报废的物资才算）' }),
  indicators: Type.Array(Indicator),
  missing: Type.Array(Type.String()),
})
export type CompletenessRow = Static<typeof CompletenessRow>

export const CompletenessReply = Type.Object({
  includesDemo,
  items: Type.Array(CompletenessRow),
  total: Type.Integer(),
  summary: Type.Object({
    regions: Type.Integer(),
    reported: Type.Integer(),
    complete: Type.Integer(),
    byMissing: Type.Array(Type.Object({ label: Type.String(), count: Type.Integer() })),
  }),
})
export type CompletenessReply = Static<typeof CompletenessReply>

// ---- freshness ----

export const FreshnessReply = Type.Object({
  includesDemo,
  freshnessDays: Type.Integer(),
  total: Type.Object({ records: Type.Integer(), stale: Type.Integer() }),
  byKind: Type.Array(Type.Object({ kind: Type.String(), label: Type.String(), records: Type.Integer(), stale: Type.Integer() })),
  children: Type.Array(Type.Object({
    code: Type.String(), name: Type.String(), level: Type.String(), records: Type.Integer(), stale: Type.Integer(),
  }), { description: childDescription }),
})
export type FreshnessReply = Static<typeof FreshnessReply>

// ---- attention ----

export const AttentionQuery = Type.Object({
  regionCode,
  days: Type.Optional(Type.Integer({ minimum: 1, maximum: 366, default: 30, title: '提前天数' })),
}, { additionalProperties: false })
export type AttentionQuery = Static<typeof AttentionQuery>

export const AttentionReply = Type.Object({
  includesDemo,
  counts: Type.Object({
    expiringSupplies: Type.Integer({ description: 'days 天内到期' }),
    expiredSupplies: Type.Integer(),
    repair: Type.Integer(),
    scrapped: Type.Integer(),
    maintenanceDue: Type.Integer({ description: '已到或 days 天内到保养日期' }),
    agreementsEnding: Type.Integer(),
    agreementsEnded: Type.Integer(),
    teamsUninsured: Type.Integer(),
    teamsBelowMinimum: Type.Integer(),
    stale: Type.Integer(),
  }),
  lists: Type.Object({
    expiring: Type.Array(Type.Object({
      id: Type.Integer(), name: Type.String(), regionName: Type.String(), quantity: Type.Number(), unit: Type.String(),
      expiresOn: Type.String({ format: 'date' }), daysLeft: Type.Integer({ description: '负数表示已过期的天数' }),
    }), { description: '已过期和即将到期的物资，最早到期的 20 条' }),
    repair: Type.Array(Type.Object({
      id: Type.Integer(), name: Type.String(), regionName: Type.String(), quantity: Type.Number(), unit: Type.String(),
      isEquipment: Type.Boolean(),
    }), { description: '待修的物资装备，最近更新的 20 条' }),
    agreementsEnding: Type.Array(Type.Object({
      id: Type.Integer(), itemName: Type.String(), supplierName: nullable(Type.String()), regionName: Type.String(),
      endsOn: Type.String({ format: 'date' }), daysLeft: Type.Integer(),
    }), { description: '已到期和即将到期的保供协议，最早到期的 20 条' }),
    teamsBelowMinimum: Type.Array(Type.Object({
      id: Type.Integer(), name: Type.String(), regionName: Type.String(), level: Type.String(),
      headcount: Type.Integer(), minimum: Type.Integer(),
    }), { description: '人数不足的乡镇、村级队伍，人数最少的 20 支' }),
  }),
})
export type AttentionReply = Static<typeof AttentionReply>
