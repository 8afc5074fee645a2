import { sql } from 'kysely'
import { inChinaBounds, roundCoord, toWgs84 } from '../../../domain/map/crs.js'
import { storedSource } from '../../../domain/map/position-sources.js'
import { REGION_LEVELS, type RegionLevel } from '../../../domain/regions/code.js'
import type { Db } from '../../db/database.js'
import { codeInScope, inScope, type Scope } from '../../db/scope.js'
import { AppError, notFound, outOfScope } from '../../errors.js'
import { recordAudit, type Actor } from '../audit/record.js'
import { containsPattern } from '../../shared/like.js'
import { paging } from '../../shared/paging.js'
import { regionFilter, text } from '../../shared/input.js'
import type {
  ImportCommitBody, PositionQuery, PositionSummary, RegionPosition, SetPositionBody,
} from './position-schema.js'

/**
 * Region positions as users keep them: the list with each position's source, counts of sketch
 * positions, a position marked by hand (人工标注), and the commit of an import. Every write is
 * one transaction with its audit entry, and touches only regions inside the user's jurisdiction.
 */

const COLUMNS = ['code', 'name', 'fullName', 'level', 'lng', 'lat', 'positionSource', 'positionNote'] as const

type Row = { code: string; name: string; fullName: string; level: string; lng: number | null; lat: number | null; positionSource: string | null; positionNote: string | null }
const present = (r: Row): RegionPosition => ({ ...r, positionSource: storedSource(r.positionSource) })

/** Regions of the jurisdiction (or of `regionCode` in it) with their positions, filtered by level, source and name. */
export async function listRegionPositions(db: Db, scope: Scope, query: PositionQuery): Promise<{ items: RegionPosition[]; total: number }> {
  const within = regionFilter(scope, query.regionCode)
  const q = text(query.q)
  const base = db.selectFrom('region')
    .where(inScope('code', scope)).where(inScope('code', within))
    .where('level', 'in', query.level ? [query.level] : ['county', 'township', 'village'])
    .$if(query.source === 'none', (b) => b.where('positionSource', 'is', null))
    .$if(query.source !== undefined && query.source !== 'none', (b) => b.where('positionSource', '=', query.source!))
    .$if(q !== null, (b) => b.where('name', 'like', containsPattern(q!)))
  const { limit, offset } = paging(query)
  const [items, { total }] = await Promise.all([
    base.select(COLUMNS).orderBy('code').limit(limit).offset(offset).execute(),
    base.select(sql<number>`count(*)::int`.as('total')).executeTakeFirstOrThrow(),
  ])
  return { items: items.map(present), total }
}

/** How many regions of each level below `regionCode` have a position from each source. */
export async function positionSummary(db: Db, scope: Scope, regionCode: string | undefined): Promise<PositionSummary> {
  const within = regionFilter(scope, regionCode)
  const rows = await db.selectFrom('region')
    .select([
      'level',
      sql<number>`count(*)::int`.as('total'),
      sql<number>`count(*) filter (where position_source = 'sketch')::int`.as('sketch'),
      sql<number>`count(*) filter (where position_source = 'imported')::int`.as('imported'),
      sql<number>`count(*) filter (where position_source = 'manual')::int`.as('manual'),
      sql<number>`count(*) filter (where position_source = 'survey')::int`.as('survey'),
      sql<number>`count(*) filter (where position_source is null)::int`.as('none'),
    ])
    .where(inScope('code', scope)).where(inScope('code', within)).where('code', '<>', within.regionCode)
    .groupBy('level').execute()
  const levels = rows.flatMap((r) => ((REGION_LEVELS as readonly string[]).includes(r.level) ? [{ ...r, level: r.level as RegionLevel }] : []))
  levels.sort((a, b) => REGION_LEVELS.indexOf(a.level) - REGION_LEVELS.indexOf(b.level))
  return { regionCode: within.regionCode, levels }
}

const outOfChina = (lng: number, lat: number, field = 'lng') => new AppError('INVALID_FIELD', 400,
  `坐标（经度 ${lng}，纬度 ${lat}）不在我国范围内，请检查经纬度是否填反或坐标系是否选对`, [{ field, value: [lng, lat] }])

/** A region's position marked by hand (人工标注): converted to WGS84, audited with the position it replaces. */
export async function setRegionPosition(db: Db, scope: Scope, actor: Actor, code: string, body: SetPositionBody): Promise<RegionPosition> {
  if (!codeInScope(code, scope)) throw outOfScope(code)
  const [lng, lat] = toWgs84([body.lng, body.lat], body.crs).map(roundCoord)
  if (!inChinaBounds([lng, lat])) throw outOfChina(body.lng, body.lat)
  const note = text(body.note)
  return db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('region').select(COLUMNS).where('code', '=', code).forUpdate().executeTakeFirst()
    if (!before) throw notFound('区划', code)
    const after = await trx.updateTable('region').set({ lng, lat, positionSource: 'manual', positionNote: note })
      .where('code', '=', code).returning(COLUMNS).executeTakeFirstOrThrow()
    await recordAudit(trx, actor, {
      action: 'region.position_set', entity: 'region', entityId: code, regionCode: code,
      before: { lng: before.lng, lat: before.lat, source: before.positionSource, note: before.positionNote },
      after: { lng, lat, source: 'manual', note, ...(body.crs === 'WGS84' ? {} : { entered: { lng: body.lng, lat: body.lat, crs: body.crs } }) },
    })
    return present(after)
  })
}

/**
 * The rows of an import the preview found valid, written in one transaction. Each is checked
 * again (jurisdiction, a real region, a point in China, one row per region), since the body is
 * the client's; a refused row refuses the whole import, naming the row. Rows whose position,
 * source and note are already stored change nothing.
 */
export async function importRegionPositions(db: Db, scope: Scope, actor: Actor, body: ImportCommitBody): Promise<{ updated: number; unchanged: number }> {
  const source = body.source ?? 'imported'
  const seen = new Map<string, number>()
  const rows = body.rows.map((r) => {
    if (!codeInScope(r.code, scope)) throw outOfScope(r.code)
    const first = seen.get(r.code)
    if (first !== undefined) {
      throw new AppError('INVALID_FIELD', 400, `第 ${r.row} 行与第 ${first} 行是同一个区划（${r.code}），请只保留一行`, [{ row: r.row, field: 'code', value: r.code }])
    }
    seen.set(r.code, r.row)
    const [lng, lat] = toWgs84([r.lng, r.lat], r.crs).map(roundCoord)
    if (!inChinaBounds([lng, lat])) {
      throw new AppError('INVALID_FIELD', 400, `第 ${r.row} 行的坐标（经度 ${r.lng}，纬度 ${r.lat}）不在我国范围内，请检查经纬度是否填反或坐标系是否选对`,
        [{ row: r.row, field: 'lng', value: [r.lng, r.lat] }])
    }
    return { row: r.row, code: r.code, lng, lat, note: text(r.note ?? undefined) }
  })
  return db.transaction().execute(async (trx) => {
    const before = new Map<string, Row>()
    const codes = rows.map((r) => r.code)
    for (let i = 0; i < codes.length; i += 5000) {
      const found = await trx.selectFrom('region').select(COLUMNS).where('code', 'in', codes.slice(i, i + 5000)).orderBy('code').forUpdate().execute()
      for (const r of found) before.set(r.code, r)
    }
    const missing = rows.find((r) => !before.has(r.code))
    if (missing) {
      throw new AppError('INVALID_FIELD', 400, `第 ${missing.row} 行的区划代码“${missing.code}”不是已知的区划代码`, [{ row: missing.row, field: 'code', value: missing.code }])
    }
    const changed = rows.filter((r) => {
      const b = before.get(r.code)!
      return !(b.lng === r.lng && b.lat === r.lat && b.positionSource === source && b.positionNote === r.note)
    })
    for (let i = 0; i < changed.length; i += 5000) {
      const part = changed.slice(i, i + 5000)
      await sql`
        update region g set lng = v.lng, lat = v.lat, position_source = ${source}, position_note = v.note
        from unnest(${part.map((r) => r.code)}::text[], ${part.map((r) => r.lng)}::float8[], ${part.map((r) => r.lat)}::float8[],
          ${part.map((r) => r.note)}::text[]) as v(code, lng, lat, note)
        where g.code = v.code`.execute(trx)
    }
    // One entry for the whole file; each change keeps the position it replaced, so it can be undone by hand.
    await recordAudit(trx, actor, {
      action: 'region.positions_imported', entity: 'region', regionCode: scope.regionCode,
      after: {
        fileName: body.fileName, source, updated: changed.length, unchanged: rows.length - changed.length,
        changes: changed.map((r) => {
          const b = before.get(r.code)!
          return { code: r.code, before: b.lng === null ? null : [b.lng, b.lat, b.positionSource], after: [r.lng, r.lat] }
        }),
      },
    })
    return { updated: changed.length, unchanged: rows.length - changed.length }
  })
}
