import { auditEntityLabel } from '../../../domain/audit/actions.js'
import type { Db } from '../../db/database.js'

/**
 * What an auditor reads beside each entry: the kind of object in Chinese, the object by name and
 * the region by name, so that "账号 张三（zhangsan）" stands where the log holds `user 3`. Names
 * are looked up when the page is read (a renamed object shows its current name); an object since
 * deleted shows the name its entries recorded, marked 已删除. The entries themselves are never
 * changed: they are sealed in the hash chain as written.
 */

export type EntryNames = { entityLabel: string; entityName: string | null; regionName: string | null }

type Entry = { entity: string; entityId: string | null; regionCode: string | null; before: unknown; after: unknown }

/** Current names by id, for the kinds of object whose rows can be looked up. */
const LOOKUPS: Record<string, (db: Db, ids: string[]) => Promise<Array<{ id: string; name: string }>>> = {
  user: async (db, ids) => (await db.selectFrom('appUser').select(['id', 'displayName', 'username'])
    .where('id', 'in', numeric(ids)).execute()).map((u) => ({ id: String(u.id), name: `${u.displayName}（${u.username}）` })),
  unit: byName('unit'),
  person: byName('person'),
  leading_group: byName('leadingGroup'),
  linkage_group: byName('linkageGroup'),
  resource: byName('resource'),
  supply: byName('supply'),
  warning: async (db, ids) => (await db.selectFrom('warning').select(['id', 'headline'])
    .where('id', 'in', numeric(ids)).execute()).map((w) => ({ id: String(w.id), name: w.headline })),
  agreement: async (db, ids) => (await db.selectFrom('supplyAgreement').select(['id', 'itemName'])
    .where('id', 'in', numeric(ids)).execute()).map((a) => ({ id: String(a.id), name: a.itemName })),
  ledger_import: async (db, ids) => (await db.selectFrom('ledgerImport').select(['id', 'fileName'])
    .where('id', 'in', numeric(ids)).execute()).map((l) => ({ id: String(l.id), name: l.fileName })),
  supply_class: async (db, ids) => (await db.selectFrom('supplyClass').select(['code', 'name'])
    .where('code', 'in', ids).execute()).map((c) => ({ id: c.code, name: `${c.name}（${c.code}）` })),
  expert_group: async (db, ids) => (await db.selectFrom('expertGroup').select(['code', 'name'])
    .where('code', 'in', ids).execute()).map((g) => ({ id: g.code, name: g.name })),
  region: async (db, ids) => (await db.selectFrom('region').select(['code', 'fullName'])
    .where('code', 'in', ids).execute()).map((r) => ({ id: r.code, name: r.fullName })),
}

function byName(table: 'unit' | 'person' | 'leadingGroup' | 'linkageGroup' | 'resource' | 'supply') {
  return async (db: Db, ids: string[]) => (await db.selectFrom(table).select(['id', 'name'])
    .where('id', 'in', numeric(ids)).execute()).map((r) => ({ id: String(r.id), name: r.name }))
}

/** Ids of bigint tables; anything else in the column (a code, a key) matches no row. */
function numeric(ids: string[]): number[] {
  const out = ids.filter((id) => /^\d{1,15}$/.test(id)).map(Number)
  return out.length > 0 ? out : [-1]
}

const NAME_FIELDS = ['name', 'headline', 'displayName', 'username', 'fileName', 'itemName', 'title'] as const

/** The name an entry wrote down about its object, after the change or else before it. */
export function recordedName(entry: Pick<Entry, 'before' | 'after'>): string | null {
  for (const side of [entry.after, entry.before]) {
    if (typeof side !== 'object' || side === null || Array.isArray(side)) continue
    const fields = side as Record<string, unknown>
    for (const f of NAME_FIELDS) {
      const v = fields[f]
      if (typeof v === 'string' && v.trim() !== '') return v
    }
  }
  return null
}

/** Names for a page of entries, in the same order; one lookup per kind of object and one for regions. */
export async function namesOf(db: Db, entries: readonly Entry[]): Promise<EntryNames[]> {
  const idsByEntity = new Map<string, Set<string>>()
  for (const e of entries) {
    if (e.entityId === null || !LOOKUPS[e.entity]) continue
    const set = idsByEntity.get(e.entity) ?? new Set<string>()
    set.add(e.entityId)
    idsByEntity.set(e.entity, set)
  }
  const current = new Map<string, string>()
  for (const [entity, ids] of idsByEntity) {
    for (const row of await LOOKUPS[entity](db, [...ids])) current.set(`${entity}:${row.id}`, row.name)
  }
  const codes = [...new Set(entries.map((e) => e.regionCode).filter((c): c is string => c !== null))]
  const regions = new Map(codes.length === 0 ? [] : (await db.selectFrom('region').select(['code', 'fullName'])
    .where('code', 'in', codes).execute()).map((r) => [r.code, r.fullName] as const))

  return entries.map((e) => {
    let entityName: string | null = null
    if (e.entityId !== null) {
      const now = current.get(`${e.entity}:${e.entityId}`)
      const recorded = recordedName(e)
      // A kind that can be looked up but whose row is gone was deleted; others keep what they recorded.
      entityName = now ?? (LOOKUPS[e.entity] && recorded ? `${recorded}（已删除）` : recorded)
    }
    return { entityLabel: auditEntityLabel(e.entity), entityName, regionName: e.regionCode === null ? null : regions.get(e.regionCode) ?? null }
  })
}
