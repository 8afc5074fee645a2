/**
 * Importing a city-sized supply ledger: 100k rows of annex 4 (乡镇（企业）应急救援装备和物资储备
 * 明细表) with the usual mess — title rows, merged towns, 小计 rows, units in quantities, dates and
 * phones in every style — laid out as a city's ledger is: a few storage places per township, one
 * or two keepers per place, distinct purchase batches (see `bigSupplyLedger`).
 *
 * (a) The product, as the routes run it. Preview (`parseImport`): read and normalise every cell,
 *     resolve towns and supply classes, check every row, find duplicates, judge each row against
 *     what is stored, and keep every row (cells, target, problems, outcome) in
 *     `ledger_import_row`. Commit (`commitImport`, one transaction): match or create the keepers
 *     (person), the storage points (resource + storage_point), upsert the supply lines by
 *     (region, import_key) with every column the ledger fills, one 建账 stock_movement per line,
 *     and the audit entry.
 * (b) Baseline, the raw way to store the same records: exceljs's streaming reader over the same
 *     file, the cells turned into values with a few regexes (fill-down town, number out of the
 *     quantity, y/m/d out of the dates, digits out of the phone), then per 1,000 rows and in one
 *     transaction plain multi-row INSERTs: the rows' new keepers (person), new storage points
 *     (resource + storage_point), the supply lines (region, class, name, specification, unit,
 *     quantity, is_equipment, storage point, reserve form, condition, purchase and expiry dates,
 *     responsible person, note, import_key, confirmed_at/by; `on conflict do nothing` so a copied
 *     line does not abort it) and one 'in' stock_movement per inserted line. No validation, no
 *     preview rows, no matching against stored records, no audit.
 *
 * Each side runs twice (baseline, ours, ours, baseline), each time in a child process of its own on
 * empty tables, and reports its time and peak RSS; recorded are the mean times and the highest
 * peak. Goals: time ≤ 2 × baseline, RSS ≤ 500 MB.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import ExcelJS from 'exceljs'
import { sql } from 'kysely'
import pg from 'pg'
import { annexByKey } from '../src/domain/ledgers/annexes.js'
import { classifySupplyName, OTHER_SUPPLY_CLASS } from '../src/domain/resources/supply-classes.js'
import { createDb } from '../src/server/db/database.js'
import { scopeOf } from '../src/server/db/scope.js'
import { commitImport } from '../src/server/features/ledgers/import-commit.js'
import { parseImport } from '../src/server/features/ledgers/import-parse.js'
import { bigSupplyLedger } from '../src/server/features/ledgers/fixtures/messy-ledger.js'
import { loadRegions } from '../src/server/features/regions/load.js'
import { benchDatabase, peakRssMb, record, round } from './lib.js'

const ROWS = Number(process.env.LEDGER_BENCH_ROWS ?? 100_000)
const WUXING = '330502000000'
const here = fileURLToPath(import.meta.url)

type ChildResult = { ms: number; peakRssMb: number; rows: number; detail: Record<string, unknown> }

/** The product's path, as the routes run it: parse to preview, then commit. */
async function ours(url: string, file: string): Promise<Omit<ChildResult, 'ms' | 'peakRssMb'>> {
  const db = createDb(url, 4)
  try {
    const annex = annexByKey('annex4')!
    const imp = await db.insertInto('ledgerImport').values({ annex: annex.key, fileName: path.basename(file), fileSha256: '-', regionCode: WUXING })
      .returning('id').executeTakeFirstOrThrow()
    const started = Date.now()
    // As an upload does: the file is kept with the import, for a new column mapping to read it again.
    await parseImport({
      db, importId: imp.id, annex, regionCode: WUXING, filePath: file, fileName: path.basename(file), mapping: null, keepFile: true,
      logError: (e) => console.error(e),
    })
    const parseMs = Date.now() - started
    const parsed = await db.selectFrom('ledgerImport').select(['status', 'message', 'totalRows', 'validRows', 'errorRows']).where('id', '=', imp.id).executeTakeFirstOrThrow()
    if (parsed.status !== 'previewed') throw new Error(`parse ended ${parsed.status}: ${parsed.message}`)
    const summary = await commitImport(db, scopeOf(WUXING), { id: null, name: '基准测试', ip: null }, imp.id)
    return { rows: parsed.totalRows, detail: { ...parsed, parseMs, commitMs: Date.now() - started - parseMs, summary } }
  } finally {
    await db.destroy()
  }
}

/** A date cell the raw way: an Excel date or serial, else the first y/m/d numbers in the text. */
function rawDate(v: ExcelJS.CellValue): string | null {
  if (v instanceof Date) return v.toISOString().slice(0, 10)
  if (typeof v === 'number') return new Date(Math.round((v - 25569) * 86400000)).toISOString().slice(0, 10)
  const m = /(\d{4})\D*(\d{1,2})?\D*(\d{1,2})?/.exec(String(v ?? '').normalize('NFKC'))
  if (!m) return null
  return `${m[1]}-${(m[2] ?? '1').padStart(2, '0')}-${(m[3] ?? '1').padStart(2, '0')}`
}

/** Multi-row VALUES with numbered parameters for `rows` of `width` values. */
function values(rows: unknown[][], width: number): string {
  return rows.map((_, i) => `(${Array.from({ length: width }, (_, c) => `$${i * width + c + 1}`).join(', ')})`).join(', ')
}

/** The raw way: stream the sheet, take the data rows, insert the same records 1,000 rows at a time. */
async function baseline(url: string, file: string): Promise<Omit<ChildResult, 'ms' | 'peakRssMb'>> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const towns = new Map((await client.query<{ name: string; code: string }>(
      `select name, code from region where code like '330502%' and level = 'township'`)).rows.map((r) => [r.name, r.code]))
    const classes = (await client.query<{ code: string; name: string; keywords: string[] }>('select code, name, keywords from supply_class')).rows
      .map((c) => ({ code: c.code, name: c.name, keywords: [...c.keywords, c.name] }))
    const classOf = new Map<string, string>()
    const people = new Map<string, number>()
    const points = new Map<string, number>()
    await client.query('begin')
    type Line = { region: string; name: string; spec: string | null; unit: string; quantity: number; place: string | null; form: string; condition: string
      purchased: string | null; expires: string | null; keeper: string | null; mobile: string | null; landline: string | null; note: string | null }
    let batch: Line[] = []
    let rows = 0
    const flush = async () => {
      if (batch.length === 0) return
      const newPeople = new Map<string, unknown[]>()
      const newPoints = new Map<string, unknown[]>()
      for (const l of batch) {
        const pk = `${l.region}|${l.keeper}|${l.mobile ?? ''}`
        if (l.keeper && !people.has(pk)) newPeople.set(pk, [l.region, l.keeper, l.mobile, l.landline])
        const sk = `${l.region}|${l.place}`
        if (l.place && !points.has(sk)) newPoints.set(sk, [l.region, 'storage_point', l.place, `storage|${l.place}`, '基准测试'])
      }
      if (newPeople.size > 0) {
        const made = await client.query<{ id: number }>(`insert into person (region_code, name, mobile, landline) values ${values([...newPeople.values()], 4)} returning id`, [...newPeople.values()].flat())
        ;[...newPeople.keys()].forEach((k, i) => people.set(k, made.rows[i].id))
      }
      if (newPoints.size > 0) {
        const made = await client.query<{ id: number }>(`insert into resource (region_code, kind, name, import_key, confirmed_by_name, confirmed_at) select *, now() from (values ${values([...newPoints.values()], 5)}) v returning id`, [...newPoints.values()].flat())
        ;[...newPoints.keys()].forEach((k, i) => points.set(k, made.rows[i].id))
        await client.query(`insert into storage_point (resource_id) values ${values(made.rows.map((r) => [r.id]), 1)}`, made.rows.map((r) => r.id))
      }
      const supplies = batch.map((l) => {
        let classCode = classOf.get(l.name)
        if (classCode === undefined) classOf.set(l.name, classCode = classifySupplyName(l.name, classes) ?? OTHER_SUPPLY_CLASS)
        return [l.region, `${l.name}|${l.spec ?? ''}|${l.place ?? ''}|${l.purchased ?? ''}`, classCode, l.name, l.spec, l.unit, l.quantity, classCode.startsWith('2'),
          l.place ? points.get(`${l.region}|${l.place}`) : null, l.form, l.condition, l.purchased, l.expires,
          l.keeper ? people.get(`${l.region}|${l.keeper}|${l.mobile ?? ''}`) : null, l.note, '基准测试']
      })
      const inserted = await client.query<{ id: number; quantity: number }>(`
        insert into supply (region_code, import_key, class_code, name, specification, unit, quantity, is_equipment, storage_point_id,
          reserve_form, condition, purchased_on, expires_on, responsible_person_id, note, confirmed_by_name)
        values ${values(supplies, 16)}
        on conflict (region_code, import_key) where import_key is not null do nothing
        returning id, quantity`, supplies.flat())
      const moves = inserted.rows.filter((r) => Number(r.quantity) > 0).map((r) => [r.id, 'in', r.quantity, r.quantity, '建账（台账导入）', '基准测试'])
      if (moves.length > 0) {
        await client.query(`insert into stock_movement (supply_id, kind, delta, balance, reason, actor_name) values ${values(moves, 6)}`, moves.flat())
      }
      rows += inserted.rows.length
      batch = []
    }
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, { sharedStrings: 'cache', styles: 'ignore', hyperlinks: 'ignore', worksheets: 'emit', entries: 'ignore' })
    let town = ''
    for await (const sheet of reader) {
      for await (const row of sheet) {
        const cell = (c: number) => {
          const v = row.getCell(c).value
          return v === null || v === undefined ? '' : typeof v === 'object' && 'richText' in v ? v.richText.map((r) => r.text).join('') : String(v).trim()
        }
        const name = cell(3)
        const quantityText = cell(6).normalize('NFKC').replace(/,/g, '')
        const quantity = Number.parseFloat(/\d+(\.\d+)?/.exec(quantityText)?.[0] ?? '')
        if (cell(2)) town = cell(2)
        if (!name || name === '物资名称' || !Number.isFinite(quantity)) continue
        const phone = cell(13).normalize('NFKC').split('/')[0].replace(/\D/g, '').replace(/^86(?=1\d{10}$)/, '')
        const mobile = /^1[3-9]\d{9}$/.test(phone) ? phone : null
        const form = cell(8)
        const condition = cell(9)
        batch.push({
          region: towns.get(town) ?? WUXING, name, spec: cell(4) || null, unit: cell(5) || quantityText.replace(/[\d.\s约]/g, '') || '件', quantity,
          place: cell(7) || null, form: form.includes('协议') ? 'agreement' : 'physical',
          condition: condition.includes('报废') ? 'scrapped' : /修|损/.test(condition) ? 'repair' : 'good',
          purchased: rawDate(row.getCell(10).value), expires: rawDate(row.getCell(11).value),
          keeper: cell(12) || null, mobile, landline: mobile === null && phone ? phone : null, note: cell(14) || null,
        })
        if (batch.length >= 1000) await flush()
      }
    }
    await flush()
    await client.query('commit')
    return { rows, detail: { people: people.size, storagePoints: points.size } }
  } finally {
    await client.end()
  }
}

/** Child process: run one side, report time and peak RSS to the result file. */
async function child(side: string, url: string, file: string, out: string): Promise<void> {
  const start = process.hrtime.bigint()
  const result = side === 'ours' ? await ours(url, file) : await baseline(url, file)
  const ms = Number(process.hrtime.bigint() - start) / 1e6
  const report: ChildResult = { ...result, ms, peakRssMb: peakRssMb() }
  await fs.writeFile(out, JSON.stringify(report))
}

async function runChild(side: string, url: string, file: string): Promise<ChildResult> {
  const out = path.join(path.dirname(file), `${side}.json`)
  const code = await new Promise<number>((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', here, 'child', side, file, out], {
      stdio: 'inherit', env: { ...process.env, LEDGER_BENCH_URL: url },
    })
    proc.on('error', reject)
    proc.on('exit', (c) => resolve(c ?? 1))
  })
  if (code !== 0) throw new Error(`${side} exited with ${code}`)
  return JSON.parse(await fs.readFile(out, 'utf8'))
}

if (process.argv[2] === 'child') {
  await child(process.argv[3], process.env.LEDGER_BENCH_URL!, process.argv[4], process.argv[5])
} else {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shouwang-bench-ledger-'))
  const { db, url, close } = await benchDatabase()
  try {
    await loadRegions(db, '3305')
    const file = path.join(dir, '附件4_100k.xlsx')
    await bigSupplyLedger(file, ROWS)
    console.log(`台账文件：${ROWS} 行，${round((await fs.stat(file)).size / 1024 / 1024)} MB`)

    // Baseline, ours, ours, baseline, each on empty tables: the order cancels a machine that
    // gets busier or quieter during the run.
    const runs: Record<'baseline' | 'ours', ChildResult[]> = { baseline: [], ours: [] }
    for (const side of ['baseline', 'ours', 'ours', 'baseline'] as const) {
      await sql`truncate supply, stock_movement, ledger_import_row, ledger_import, person, storage_point, resource, unit cascade`.execute(db)
      const r = await runChild(side, url, file)
      runs[side].push(r)
      console.log(`${side === 'ours' ? '导入（解析预览 + 提交）' : '基线（exceljs 流式读取 + 每批 1000 行写入人员、存放点、物资、库存流水）'}：${r.rows} 行，${round(r.ms / 1000)} 秒，峰值内存 ${round(r.peakRssMb)} MB`)
      console.log(JSON.stringify(r.detail))
    }
    const mean = (xs: ChildResult[]) => xs.reduce((a, r) => a + r.ms, 0) / xs.length
    const peak = (xs: ChildResult[]) => Math.max(...xs.map((r) => r.peakRssMb))
    const base = { ms: mean(runs.baseline), peakRssMb: peak(runs.baseline) }
    const mine = { ms: mean(runs.ours), peakRssMb: peak(runs.ours) }

    const dataSize = String(ROWS)
    await record({
      name: 'ledgers.import-100k.time', value: mine.ms / 1000, unit: 's',
      baseline: base.ms / 1000, ratio: mine.ms / base.ms, goal: `< ${round((2 * base.ms) / 1000)}`, dataSize,
    })
    await record({
      name: 'ledgers.import-100k.peak-rss', value: mine.peakRssMb, unit: 'MB',
      baseline: base.peakRssMb, ratio: mine.peakRssMb / base.peakRssMb, goal: '< 500', dataSize,
    })
  } finally {
    await close()
    await fs.rm(dir, { recursive: true, force: true })
  }
}
