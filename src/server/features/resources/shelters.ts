import { sql, type SqlBool } from 'kysely'
import { Type, type Static } from 'typebox'
import {
  label, SHELTER_CLASSES, SHELTER_LEVELS, SHELTER_M2_PER_PERSON, SHELTER_SPACES, shelterCapacityLimit,
} from '../../../domain/resources/kinds.js'
import { badField } from '../../errors.js'
import { textList, type KindModule } from './kind.js'
import { DEFAULT_TITLES, nullable, optionalEnum } from './schema.js'

/**
 * 应急避难场所: GB 21734 class (length of stay), GB/T 44013 level and space type, effective area
 * and capacity. Capacity is checked against the area here so the user reads both numbers, before
 * the table's own check would refuse the row.
 */

// GB 21734 §5.4 recommends more than 2000 m² for a site (场地型) shelter.
const MIN_SITE_AREA_M2 = 2000

export const ShelterDetailInput = Type.Object({
  gb21734Class: optionalEnum('GB 21734 类别', Object.keys(SHELTER_CLASSES)),
  level: optionalEnum('场所级别', Object.keys(SHELTER_LEVELS)),
  spaceType: Type.Enum(Object.keys(SHELTER_SPACES), { title: '空间类型' }),
  effectiveAreaM2: Type.Number({ exclusiveMinimum: 0, maximum: 100_000_000, title: '有效面积（m²）' }),
  capacity: Type.Integer({ minimum: 0, maximum: 100_000_000, title: '可容纳人数' }),
  facilities: Type.Optional(Type.Array(Type.String({ maxLength: 30, title: '配套设施' }), { maxItems: 50, title: '配套设施' })),
}, { additionalProperties: false })
export type ShelterDetailInput = Static<typeof ShelterDetailInput>

export const ShelterDetail = Type.Object({
  gb21734Class: nullable(Type.String()),
  gb21734ClassLabel: nullable(Type.String()),
  level: nullable(Type.String()),
  levelLabel: nullable(Type.String()),
  spaceType: Type.String(),
  spaceTypeLabel: Type.String(),
  effectiveAreaM2: Type.Number(),
  capacity: Type.Integer(),
  capacityLimit: Type.Integer({ description: '有效面积按人均 1.5 m² 可容纳的人数' }),
  m2PerPerson: nullable(Type.Number({ description: '人均有效面积（m²），可容纳人数为 0 时为空' })),
  facilities: Type.Array(Type.String()),
})
export type ShelterDetail = Static<typeof ShelterDetail>

type ShelterValues = {
  gb21734Class: string | null; level: string | null; spaceType: string; effectiveAreaM2: number; capacity: number; facilities: string[]
}

const nullableLabel = (table: Record<string, string>, key: string | null) => (key === null ? null : label(table, key))

export const shelters: KindModule<ShelterDetailInput, ShelterValues, ShelterDetail> = {
  kind: 'shelter',
  titles: { ...DEFAULT_TITLES, name: '场所名称', ownerUnit: '管理单位' },
  requiresResponsible: false,
  input: ShelterDetailInput,
  output: ShelterDetail,
  filters: {
    gbClass: Type.Optional(Type.Enum(Object.keys(SHELTER_CLASSES), { title: 'GB 21734 类别' })),
    spaceType: Type.Optional(Type.Enum(Object.keys(SHELTER_SPACES), { title: '空间类型' })),
    level: Type.Optional(Type.Enum(Object.keys(SHELTER_LEVELS), { title: '场所级别' })),
  },

  async values(d) {
    const limit = shelterCapacityLimit(d.effectiveAreaM2)
    if (d.capacity > limit) {
      throw badField('detail.capacity', '可容纳人数', d.capacity,
        `超过有效面积 ${d.effectiveAreaM2} m² 按人均 ${SHELTER_M2_PER_PERSON} m² 可容纳的 ${limit} 人`)
    }
    return {
      gb21734Class: d.gb21734Class ?? null,
      level: d.level ?? null,
      spaceType: d.spaceType,
      effectiveAreaM2: d.effectiveAreaM2,
      capacity: d.capacity,
      facilities: textList(d.facilities),
    }
  },

  async save(trx, id, v) {
    await trx.insertInto('shelter').values({ resourceId: id, ...v })
      .onConflict((oc) => oc.column('resourceId').doUpdateSet(v)).execute()
  },

  raw: (trx, id) => trx.selectFrom('shelter').selectAll().where('resourceId', '=', id).executeTakeFirst(),

  async load(db, _scope, ids) {
    if (ids.length === 0) return new Map()
    const rows = await db.selectFrom('shelter')
      .select(['resourceId', 'gb21734Class', 'level', 'spaceType', 'effectiveAreaM2', 'capacity', 'facilities'])
      .where('resourceId', 'in', ids).execute()
    return new Map(rows.map(({ resourceId, ...s }) => [resourceId, {
      ...s,
      gb21734ClassLabel: nullableLabel(SHELTER_CLASSES, s.gb21734Class),
      levelLabel: nullableLabel(SHELTER_LEVELS, s.level),
      spaceTypeLabel: label(SHELTER_SPACES, s.spaceType),
      capacityLimit: shelterCapacityLimit(s.effectiveAreaM2),
      m2PerPerson: s.capacity > 0 ? Math.round((s.effectiveAreaM2 / s.capacity) * 100) / 100 : null,
    }]))
  },

  matching(db, f) {
    if (f.gbClass === undefined && f.spaceType === undefined && f.level === undefined) return null
    const ids = db.selectFrom('shelter').select('resourceId')
      .$if(f.gbClass !== undefined, (q) => q.where('gb21734Class', '=', f.gbClass!))
      .$if(f.spaceType !== undefined, (q) => q.where('spaceType', '=', f.spaceType!))
      .$if(f.level !== undefined, (q) => q.where('level', '=', f.level!))
    return sql<SqlBool>`r.id in (${ids})`
  },

  warnings(d) {
    const out: string[] = []
    if (d.capacity === 0) out.push('未填写可容纳人数')
    if (d.gb21734Class !== null && d.spaceType === 'outdoor' && d.effectiveAreaM2 < MIN_SITE_AREA_M2) {
      out.push(`有效面积 ${d.effectiveAreaM2} m² 小于 GB 21734 建议的 ${MIN_SITE_AREA_M2} m²`)
    }
    return out
  },

  contactWarnings: { missing: '未指定场所负责人', noPhone: '场所负责人未登记联系电话' },
}
