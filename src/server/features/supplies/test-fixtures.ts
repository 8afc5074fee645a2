import type { Db } from '../../db/database.js'
import type { Session } from '../../testing/test-app.js'

/** Imported only by the tests of this folder: records the supply tests refer to. */

/** A storage point written straight to the table (its own API lives in the resources feature). */
export async function addStoragePoint(db: Db, regionCode: string, name: string, at?: { lng: number; lat: number }): Promise<number> {
  const row = await db.insertInto('resource')
    .values({ kind: 'storage_point', regionCode, name, lng: at?.lng ?? null, lat: at?.lat ?? null })
    .returning('id').executeTakeFirstOrThrow()
  await db.insertInto('storagePoint').values({ resourceId: row.id }).execute()
  return row.id
}

export async function addTeam(db: Db, regionCode: string, name: string): Promise<number> {
  const row = await db.insertInto('resource').values({ kind: 'team', regionCode, name }).returning('id').executeTakeFirstOrThrow()
  await db.insertInto('team').values({ resourceId: row.id, level: 'township', teamType: 'grassroots' }).execute()
  return row.id
}

export async function addSupply(s: Session, payload: Record<string, unknown>) {
  const res = await s.request({ method: 'POST', url: '/api/supplies', payload })
  if (res.statusCode !== 201) throw new Error(`addSupply: ${res.statusCode} ${res.body}`)
  return res.json()
}

/** The ledger invariant: stock equals the sum of movements and the last movement's balance. */
export async function ledgerMismatches(db: Db): Promise<unknown[]> {
  const rows = await db.selectFrom('supply as s')
    .leftJoin('stockMovement as m', 'm.supplyId', 's.id')
    .select((eb) => [
      's.id', 's.quantity',
      eb.fn.coalesce(eb.fn.sum<number>('m.delta'), eb.lit(0)).as('sum'),
      eb.selectFrom('stockMovement as l').select('l.balance').whereRef('l.supplyId', '=', 's.id').orderBy('l.id', 'desc').limit(1).as('last'),
    ])
    .groupBy(['s.id', 's.quantity']).execute()
  return rows.filter((r) => Number(r.sum) !== r.quantity || (r.last ?? 0) !== r.quantity)
}
