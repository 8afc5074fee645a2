import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import { sql, type SqlBool } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seededRandom } from '../../../domain/seeded-random.js'
import type { Db } from '../../db/database.js'
import { scopeOf } from '../../db/scope.js'
import { SYSTEM_ACTOR } from '../audit/record.js'
import { bookMovement } from '../supplies/movements.js'
import { createTestDb, testApp } from '../../testing/test-app.js'
import { dump } from '../backup/dump.js'
import { restore } from '../backup/restore.js'
import { listAttention } from './attention.js'
import { listCompleteness } from './completeness.js'
import { rollupFreshness } from './freshness.js'
import { rollupResources, rollupSupplies } from './queries.js'
import { addExpert, addPerson, addRiskPoint, addShelter, addStoragePoint, addSupply, addTeam, addUnit, daysAgo } from './test-factories.js'

/**
 * The tallies of migration 0020 against the records: after every round of seeded random writes
 * (inserts one by one and in bulk, edits, moves between regions, stock movements, deletes, people
 * changing roles and units, units moving), the tallies equal a recomputation from scratch, and
 * every roll-up read from them equals the same roll-up grouped from the rows.
 */

const CITY = '330500000000' // 湖州市
const COUNTIES = ['330502000000', '330503000000'] // 吴兴区, 南浔区
const TALLY_TABLES = [
  'supply_tally', 'supply_name_tally', 'supply_place_tally', 'supply_date_tally', 'fresh_tally', 'resource_tally', 'person_tally',
  'resource_tally_source', 'person_tally_source',
]
const FRESHNESS_DAYS = 180

let app: FastifyInstance
let db: Db
let places: string[]
let townships: string[]

beforeAll(async () => {
  app = await testApp()
  db = app.db
  townships = []
  const villages: string[] = []
  for (const county of COUNTIES) {
    const ts = (await db.selectFrom('region').select('code').where('parentCode', '=', county).orderBy('code').limit(3).execute()).map((r) => r.code)
    townships.push(...ts)
    for (const t of ts) {
      villages.push(...(await db.selectFrom('region').select('code').where('parentCode', '=', t).orderBy('code').limit(2).execute()).map((r) => r.code))
    }
  }
  places = [CITY, ...COUNTIES, ...townships, ...villages]
})
afterAll(async () => { await app.close() })

const NAMES = ['救生衣', '冲锋舟', '编织袋', '帐篷', '抽水泵', '应急灯', '矿泉水', '防毒面具']
const CLASSES = ['1000000', '2000000', '3000000']
const UNITS = ['件', '个', '台']
const CONDITIONS = ['good', 'repair', 'scrapped'] as const
const ROLES = ['head', 'liaison', 'informant', 'grid_worker']

function pick<T>(rng: () => number, list: readonly T[]): T {
  return list[Math.floor(rng() * list.length)]
}

const isoDay = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10)

/** Confirmation times, a few of them within hours of the stale cut-off on either side. */
function confirmedAt(rng: () => number): Date | null {
  const r = rng()
  if (r < 0.15) return null
  if (r < 0.4) return new Date(Date.now() - FRESHNESS_DAYS * 86_400_000 + (rng() - 0.5) * 20 * 3_600_000)
  return daysAgo(Math.floor(rng() * 400))
}

async function someId(table: 'supply' | 'resource' | 'person' | 'unit', rng: () => number, kind?: string): Promise<number | null> {
  const ids = (await db.selectFrom(table).select('id')
    .$if(kind !== undefined, (qb) => qb.where(sql<SqlBool>`kind = ${kind}`)).orderBy('id').execute()).map((r) => r.id)
  return ids.length === 0 ? null : pick(rng, ids)
}

/** One random write of the kinds the app and imports make. */
async function randomChange(rng: () => number): Promise<void> {
  const r = rng()
  if (r < 0.16) {
    // Several lines in one statement, as an import writes them.
    const rows = Array.from({ length: 1 + Math.floor(rng() * 6) }, () => ({
      regionCode: pick(rng, places), classCode: pick(rng, CLASSES), name: pick(rng, NAMES), unit: pick(rng, UNITS),
      isEquipment: rng() < 0.3, condition: pick(rng, CONDITIONS), quantity: pick(rng, [0, 1, 2.5, 40]),
      expiresOn: rng() < 0.5 ? null : isoDay(Math.floor(rng() * 120) - 40),
      maintenanceCycleDays: rng() < 0.5 ? null : 30, maintainedOn: rng() < 0.5 ? null : isoDay(-Math.floor(rng() * 60)),
      confirmedAt: confirmedAt(rng), specification: null, storagePointId: null, teamId: null, holderUnitId: null,
      purchasedOn: null, responsiblePersonId: null, liaisonPersonId: null, address: null, lng: null, lat: null, note: null,
      confirmedByName: null, importKey: null,
    }))
    await db.insertInto('supply').values(rows).execute()
  } else if (r < 0.24) {
    await addSupply(db, { regionCode: pick(rng, places), name: pick(rng, NAMES), quantity: pick(rng, [0, 3]), condition: pick(rng, CONDITIONS), confirmedAt: confirmedAt(rng) })
  } else if (r < 0.42) {
    const id = await someId('supply', rng)
    if (id === null) return
    const what = rng()
    if (what < 0.2) await db.updateTable('supply').set({ regionCode: pick(rng, places) }).where('id', '=', id).execute()
    else if (what < 0.35) await db.updateTable('supply').set({ condition: pick(rng, CONDITIONS) }).where('id', '=', id).execute()
    else if (what < 0.5) await db.updateTable('supply').set({ classCode: pick(rng, CLASSES), unit: pick(rng, UNITS), name: pick(rng, NAMES), isEquipment: rng() < 0.5 }).where('id', '=', id).execute()
    else if (what < 0.6) await db.updateTable('supply').set({ expiresOn: isoDay(Math.floor(rng() * 100) - 30), maintainedOn: null, maintenanceCycleDays: 15 }).where('id', '=', id).execute()
    else if (what < 0.7) await db.updateTable('supply').set({ confirmedAt: confirmedAt(rng), note: '改' }).where('id', '=', id).execute()
    else {
      // A stock movement: 入库, or 盘点 down to nothing.
      await db.transaction().execute((trx) => bookMovement(trx, SYSTEM_ACTOR, id, rng() < 0.5
        ? { kind: 'in', delta: pick(rng, [1, 0.5, 12]), reason: '入库' } : { kind: 'count', counted: 0, reason: '盘点' }))
    }
  } else if (r < 0.47) {
    // Many lines at once: a whole region's lines to repair, or one region's lines moved.
    const region = pick(rng, places)
    if (rng() < 0.5) await db.updateTable('supply').set({ condition: 'repair' }).where('regionCode', '=', region).execute()
    else await db.updateTable('supply').set({ regionCode: pick(rng, places) }).where('regionCode', '=', region).execute()
  } else if (r < 0.52) {
    const id = await someId('supply', rng)
    if (id !== null) await db.deleteFrom('supply').where('id', '=', id).execute()
  } else if (r < 0.64) {
    const base = { regionCode: pick(rng, places), status: rng() < 0.2 ? 'inactive' as const : 'active' as const, confirmedAt: confirmedAt(rng) }
    const kind = rng()
    if (kind < 0.3) await addTeam(db, { ...base, level: pick(rng, ['township', 'village']), headcount: rng() < 0.2 ? null : Math.floor(rng() * 50) })
    else if (kind < 0.5) await addShelter(db, { ...base, capacity: Math.floor(rng() * 300) })
    else if (kind < 0.75) await addRiskPoint(db, { ...base, level: pick(rng, ['general', 'major'] as const), state: pick(rng, ['monitoring', 'eliminated']) })
    else if (kind < 0.9) await addStoragePoint(db, base)
    else await addExpert(db, base)
  } else if (r < 0.76) {
    const id = await someId('resource', rng)
    if (id === null) return
    const what = rng()
    if (what < 0.25) await db.updateTable('resource').set({ regionCode: pick(rng, places) }).where('id', '=', id).execute()
    else if (what < 0.45) await db.updateTable('resource').set({ status: rng() < 0.5 ? 'inactive' : 'active' }).where('id', '=', id).execute()
    else if (what < 0.55) await db.updateTable('resource').set({ confirmedAt: confirmedAt(rng) }).where('id', '=', id).execute()
    else if (what < 0.7) await db.updateTable('team').set({ headcount: Math.floor(rng() * 60) }).where('resourceId', '=', id).execute()
    else if (what < 0.8) await db.updateTable('shelter').set({ capacity: Math.floor(rng() * 100) }).where('resourceId', '=', id).execute()
    else if (what < 0.9) await db.updateTable('riskPoint').set({ state: pick(rng, ['monitoring', 'rectifying', 'eliminated']), level: pick(rng, ['general', 'major']) }).where('resourceId', '=', id).execute()
    else await db.deleteFrom('team').where('resourceId', '=', id).execute()
  } else if (r < 0.77) {
    // A resource and its team written in one statement, as a ledger import writes them.
    const region = pick(rng, places)
    if (rng() < 0.5) {
      await sql`
        with made as (insert into resource (kind, region_code, name, confirmed_at) values ('team', ${region}, ${`导入队伍${Math.floor(rng() * 1e6)}`}, now()) returning id)
        insert into team (resource_id, level, team_type, headcount) select id, 'village', 'grassroots', ${Math.floor(rng() * 40)} from made`.execute(db)
    } else {
      const id = await someId('resource', rng, 'team')
      if (id === null) return
      await sql`
        with t as (update team set headcount = ${Math.floor(rng() * 70)} where resource_id = ${id} returning resource_id)
        update resource set region_code = ${region}, status = ${rng() < 0.3 ? 'inactive' : 'active'} from t where resource.id = t.resource_id`.execute(db)
    }
  } else if (r < 0.8) {
    // Deleting a resource takes its detail row with it (cascade).
    const id = await someId('resource', rng)
    if (id !== null) await db.deleteFrom('resource').where('id', '=', id).execute()
  } else if (r < 0.88) {
    const unitId = rng() < 0.5 ? await someId('unit', rng) : null
    const roles = ROLES.filter(() => rng() < 0.4)
    await addPerson(db, { regionCode: pick(rng, places), roles, unitId })
  } else if (r < 0.91) {
    await addUnit(db, { regionCode: pick(rng, places), kind: pick(rng, ['township_station', 'village_committee', 'enterprise']) })
  } else if (r < 0.97) {
    const id = await someId('person', rng)
    if (id === null) return
    const what = rng()
    if (what < 0.3) await db.updateTable('person').set({ roles: ROLES.filter(() => rng() < 0.5) }).where('id', '=', id).execute()
    else if (what < 0.55) await db.updateTable('person').set({ regionCode: pick(rng, places) }).where('id', '=', id).execute()
    else if (what < 0.8) await db.updateTable('person').set({ unitId: rng() < 0.3 ? null : await someId('unit', rng) }).where('id', '=', id).execute()
    else await db.deleteFrom('person').where('id', '=', id).execute()
  } else {
    // A unit moving takes its people's count along; sometimes its people change in the same statement.
    const id = await someId('unit', rng)
    if (id === null) return
    if (rng() < 0.5) await db.updateTable('unit').set({ regionCode: pick(rng, places) }).where('id', '=', id).execute()
    else {
      await sql`
        with u as (update unit set region_code = ${pick(rng, places)} where id = ${id} returning id)
        update person set roles = ${ROLES.filter(() => rng() < 0.5)}::text[] from u where person.unit_id = u.id`.execute(db)
    }
  }
}

/** Every tally's rows in one order (all columns), as kept or, inside `trx`, as rebuilt. */
async function tallies(on: Db = db): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {}
  for (const t of TALLY_TABLES) {
    out[t] = (await sql.raw(`select * from ${t}`).execute(on)).rows.map((r) => JSON.stringify(r)).sort()
  }
  return out
}

/** The tallies as kept, and as recomputed from the records (in a transaction rolled back). */
async function keptAndRebuilt() {
  const kept = await tallies()
  let rebuilt: Record<string, unknown[]> = {}
  await db.transaction().execute(async (trx) => {
    await sql`select rollup_rebuild()`.execute(trx)
    rebuilt = await tallies(trx)
    throw new Error('rollback')
  }).catch((e: Error) => { if (e.message !== 'rollback') throw e })
  return { kept, rebuilt }
}

/** Every roll-up of `code` seen from `scopeCode`, from the tallies and from the rows. */
async function bothWays(scopeCode: string, code: string, rng: () => number) {
  const scope = scopeOf(scopeCode)
  const filters = [{}, { classCode: pick(rng, CLASSES) }, { isEquipment: true }, { condition: pick(rng, CONDITIONS) }][Math.floor(rng() * 4)]
  const days = pick(rng, [7, 30, 90])
  const read = (rows: boolean) => Promise.all([
    rollupSupplies(db, scope, code, filters, { rows }),
    rollupResources(db, scope, code, { rows }),
    rollupFreshness(db, scope, code, { rows }),
    listAttention(db, scope, { regionCode: code, days }, { rows }),
    listCompleteness(db, scope, { regionCode: code, level: 'township', pageSize: 200 }, { rows }),
    listCompleteness(db, scope, { regionCode: code, level: 'village', pageSize: 200 }, { rows }),
  ])
  return { tallied: await read(false), scanned: await read(true) }
}

describe('roll-up tallies', () => {
  it('stay exact under random inserts, edits, moves, stock movements and deletes (seeded)', async () => {
    const rng = seededRandom(2026)
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < 30; i++) await randomChange(rng)
      const { kept, rebuilt } = await keptAndRebuilt()
      expect(kept, `round ${round}`).toEqual(rebuilt)
      for (const [scopeCode, code] of [[CITY, CITY], [CITY, COUNTIES[0]], [COUNTIES[1], COUNTIES[1]], [COUNTIES[0], pick(rng, townships.slice(0, 3))]]) {
        const { tallied, scanned } = await bothWays(scopeCode, code, rng)
        expect(tallied, `round ${round}, ${code} seen from ${scopeCode}`).toEqual(scanned)
      }
    }
    // The rounds did write something of every kind.
    const counts = await tallies()
    for (const t of TALLY_TABLES) expect(counts[t].length, t).toBeGreaterThan(0)
  }, 120_000)

  it('are recounted after a restore, which copies them and fires their triggers too', async () => {
    const t = await createTestDb()
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shouwang-tallies-'))
    try {
      await addSupply(t.db, { regionCode: COUNTIES[0], name: '救生衣', quantity: 5 })
      await addTeam(t.db, { regionCode: COUNTIES[1], headcount: 12 })
      await addPerson(t.db, { regionCode: COUNTIES[1], roles: ['head'] })
      const before = await tallies(t.db)
      await dump(t.url, path.join(dir, 'b.sw.gz'))
      await restore(t.url, path.join(dir, 'b.sw.gz'))
      expect(await tallies(t.db)).toEqual(before)
    } finally {
      await t.drop()
      await fs.rm(dir, { recursive: true, force: true })
    }
  })

  it('follow a truncated table', async () => {
    await addSupply(db, { regionCode: COUNTIES[0], name: '救生衣', quantity: 5 })
    await sql`truncate supply cascade`.execute(db)
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from supply_tally`.execute(db)
    expect(rows[0].n).toBe(0)
    const { kept, rebuilt } = await keptAndRebuilt()
    expect(kept).toEqual(rebuilt)
  })
})
