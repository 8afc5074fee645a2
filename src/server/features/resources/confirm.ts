import { sql } from 'kysely'
import { label, RESOURCE_KINDS } from '../../../domain/resources/kinds.js'
import type { Db } from '../../db/database.js'
import { inScope, type Scope } from '../../db/scope.js'
import { AppError, stale } from '../../errors.js'
import { recordAudit, type Actor } from '../audit/record.js'
import type { KindModule } from './kind.js'
import { getResource, lockResource } from './queries.js'
import type { BulkConfirmInput, ItemWithHistory } from './schema.js'

/**
 * “仍有效”: someone who looked at a record says it is still right. Nothing but the
 * confirmation changes; the version moves on so an open form sees the record has changed.
 */

const KIND_LABELS: Record<string, string> = { ...RESOURCE_KINDS, supply: '物资装备' }

export async function confirmResource<In, Values, Out>(
  db: Db, scope: Scope, actor: Actor, who: string, mod: KindModule<In, Values, Out>, id: number, version: number,
): Promise<ItemWithHistory<Out>> {
  await db.transaction().execute(async (trx) => {
    const before = await lockResource(trx, scope, mod.kind, id)
    if (before.version !== version) throw stale(`${RESOURCE_KINDS[mod.kind]}“${before.name}”`)
    const after = await trx.updateTable('resource').set({ confirmedAt: new Date(), confirmedByName: who, version: sql`version + 1` })
      .where('id', '=', id).returning(['confirmedAt', 'confirmedByName']).executeTakeFirstOrThrow()
    await recordAudit(trx, actor, {
      action: 'resource.confirmed', entity: 'resource', entityId: id, regionCode: before.regionCode,
      before: { name: before.name, confirmedAt: before.confirmedAt, confirmedByName: before.confirmedByName },
      after: { name: before.name, ...after },
    })
  })
  return getResource(db, scope, mod, id)
}

type Found = { id: number; kind: string; regionCode: string; name: string; confirmedAt: Date | null; confirmedByName: string | null }

/**
 * Confirms many records at once, resources and supply lines alike. All or nothing: one record
 * outside the jurisdiction (or gone) refuses the whole request, naming every such record.
 */
export async function confirmBulk(db: Db, scope: Scope, actor: Actor, who: string, input: BulkConfirmInput): Promise<{ confirmed: number }> {
  const wanted = new Map(input.items.map((i) => [`${i.kind}:${i.id}`, i]))
  const resourceIds = [...wanted.values()].filter((i) => i.kind !== 'supply').map((i) => i.id)
  const supplyIds = [...wanted.values()].filter((i) => i.kind === 'supply').map((i) => i.id)
  return db.transaction().execute(async (trx) => {
    const resources: Found[] = resourceIds.length === 0 ? [] : await trx.selectFrom('resource')
      .select(['id', 'kind', 'regionCode', 'name', 'confirmedAt', 'confirmedByName'])
      .where('id', 'in', resourceIds).where(inScope('regionCode', scope)).orderBy('id').forUpdate().execute()
    const supplies: Found[] = supplyIds.length === 0 ? [] : (await trx.selectFrom('supply')
      .select(['id', 'regionCode', 'name', 'confirmedAt', 'confirmedByName'])
      .where('id', 'in', supplyIds).where(inScope('regionCode', scope)).orderBy('id').forUpdate().execute())
      .map((s) => ({ ...s, kind: 'supply' }))
    const found = new Map([...resources, ...supplies].map((r) => [`${r.kind}:${r.id}`, r]))
    const missing = [...wanted.values()].filter((i) => !found.has(`${i.kind}:${i.id}`))
    if (missing.length > 0) {
      const names = missing.map((i) => `${label(KIND_LABELS, i.kind)} ${i.id}`).join('、')
      throw new AppError('OUT_OF_JURISDICTION', 403, `以下记录不存在或不在您的辖区内，本次未确认任何记录：${names}`,
        missing.map((i) => ({ field: i.kind, value: i.id })))
    }
    const now = new Date()
    if (resources.length > 0) {
      await trx.updateTable('resource').set({ confirmedAt: now, confirmedByName: who, version: sql`version + 1` })
        .where('id', 'in', resources.map((r) => r.id)).execute()
    }
    if (supplies.length > 0) {
      await trx.updateTable('supply').set({ confirmedAt: now, confirmedByName: who, version: sql`version + 1` })
        .where('id', 'in', supplies.map((s) => s.id)).execute()
    }
    // One entry per record, so each record's history shows who vouched for it.
    for (const r of [...resources, ...supplies]) {
      const entity = r.kind === 'supply' ? 'supply' : 'resource'
      await recordAudit(trx, actor, {
        action: `${entity}.confirmed`, entity, entityId: r.id, regionCode: r.regionCode,
        before: { name: r.name, confirmedAt: r.confirmedAt, confirmedByName: r.confirmedByName },
        after: { name: r.name, confirmedAt: now, confirmedByName: who },
      })
    }
    return { confirmed: found.size }
  })
}
