import { sql, type SqlBool } from 'kysely'
import { Type, type Static } from 'typebox'
import { label, STORAGE_KINDS } from '../../../domain/resources/kinds.js'
import { inScope } from '../../db/scope.js'
import type { KindModule } from './kind.js'
import { DEFAULT_TITLES, nullable, optionalId, optionalNumber } from './schema.js'

/** 储备点/储备库 (附件4、7): where supplies are kept, and who keeps the keys. */

export const StorageDetailInput = Type.Object({
  storageKind: Type.Enum(Object.keys(STORAGE_KINDS), { title: '储备点类型' }),
  areaM2: optionalNumber('面积（m²）', 0, 10_000_000),
  volumeM3: optionalNumber('容积（m³）', 0, 100_000_000),
  keeperPersonId: optionalId('保管员'),
}, { additionalProperties: false })
export type StorageDetailInput = Static<typeof StorageDetailInput>

export const StorageDetail = Type.Object({
  storageKind: Type.String(),
  storageKindLabel: Type.String(),
  areaM2: nullable(Type.Number()),
  volumeM3: nullable(Type.Number()),
  keeperPersonId: nullable(Type.Integer()),
  keeperName: nullable(Type.String()),
})
export type StorageDetail = Static<typeof StorageDetail>

type StorageValues = { storageKind: string; areaM2: number | null; volumeM3: number | null; keeperPersonId: number | null }

export const storagePoints: KindModule<StorageDetailInput, StorageValues, StorageDetail> = {
  kind: 'storage_point',
  titles: { ...DEFAULT_TITLES, name: '储备点名称' },
  requiresResponsible: false,
  input: StorageDetailInput,
  output: StorageDetail,
  filters: {
    storageKind: Type.Optional(Type.Enum(Object.keys(STORAGE_KINDS), { title: '储备点类型' })),
  },

  async values(d, person) {
    return {
      storageKind: d.storageKind,
      areaM2: d.areaM2 ?? null,
      volumeM3: d.volumeM3 ?? null,
      keeperPersonId: await person('detail.keeperPersonId', '保管员', d.keeperPersonId),
    }
  },

  async save(trx, id, v) {
    await trx.insertInto('storagePoint').values({ resourceId: id, ...v })
      .onConflict((oc) => oc.column('resourceId').doUpdateSet(v)).execute()
  },

  raw: (trx, id) => trx.selectFrom('storagePoint').selectAll().where('resourceId', '=', id).executeTakeFirst(),

  async load(db, scope, ids) {
    if (ids.length === 0) return new Map()
    const rows = await db.selectFrom('storagePoint as s')
      .leftJoin('person as p', (j) => j.onRef('p.id', '=', 's.keeperPersonId').on(inScope('p.regionCode', scope)))
      .select(['s.resourceId', 's.storageKind', 's.areaM2', 's.volumeM3', 's.keeperPersonId', 'p.name as keeperName'])
      .where('s.resourceId', 'in', ids).execute()
    return new Map(rows.map(({ resourceId, ...s }) => [resourceId, {
      ...s,
      storageKindLabel: label(STORAGE_KINDS, s.storageKind),
      keeperPersonId: s.keeperName === null ? null : s.keeperPersonId,
    }]))
  },

  matching(db, f) {
    if (f.storageKind === undefined) return null
    const ids = db.selectFrom('storagePoint').select('resourceId').where('storageKind', '=', f.storageKind)
    return sql<SqlBool>`r.id in (${ids})`
  },

  warnings: (d) => (d.keeperPersonId === null ? ['未指定保管员'] : []),

  contactWarnings: { missing: '未指定储备点负责人', noPhone: '储备点负责人未登记联系电话' },
}
