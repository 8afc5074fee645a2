/**
 * Importing a city-sized supply ledger: 100k rows of annex 4 (乡镇（企业）应急救援装备和物资储备
 * 明细表) with the usual mess — title rows, merged towns, 小计 rows, units in quantities, dates and
 * phones in every style.
 * (a) The product: upload to preview (read, resolve towns and classes, judge each row, keep every
 *     row with its outcome) and commit (people, storage points, supply lines, 建账 movements, in
 *     one transaction).
 * (b) Baseline in the same run: exceljs's streaming reader over the same file and batched
 *     multi-row INSERTs of the same rows into `supply` (region, class, name, specification, unit,
 *     quantity).
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
    await parseImport({ db, importId: imp.id, annex, regionCode: WUXING, filePath: file, fileName: path.basename(file), logError: (e) => console.error(e) })
    const parseMs = Date.now() - started
    const parsed = await db.selectFrom('ledgerImport').select(['status', 'message', 'totalRows', 'validRows', 'errorRows']).where('id', '=', imp.id).executeTakeFirstOrThrow()
    if (parsed.status !== 'previewed') throw new Error(`parse ended ${parsed.status}: ${parsed.message}`)
    const summary = await commitImport(db, scopeOf(WUXING), { id: null, name: '基准测试', ip: null }, imp.id)
    return { rows: parsed.totalRows, detail: { ...parsed, parseMs, commitMs: Date.now() - started - parseMs, summary } }
  } finally {
    await db.destroy()
  }
}

/** The raw way: stream the sheet, take the data rows, insert them 1,000 at a time. */
async function baseline(url: string, file: string): Promise<Omit<ChildResult, 'ms' | 'peakRssMb'>> {
  const pool = new pg.Pool({ connectionString: url, max: 2 })
  try {
    const towns = new Map((await pool.query<{ name: string; code: string }>(
      `select name, code from region where code like '330502%' and level = 'township'`)).rows.map((r) => [r.name, r.code]))
    let batch: unknown[][] = []
    let rows = 0
    const flush = async () => {
      if (batch.length === 0) return
      const values = batch.map((_, i) => `($${i * 6 + 1}, $${i * 6 + 2}, $${i * 6 + 3}, $${i * 6 + 4}, $${i * 6 + 5}, $${i * 6 + 6})`).join(', ')
      await pool.query(`insert into supply (region_code, class_code, name, specification, unit, quantity) values ${values}`, batch.flat())
      rows += batch.length
      batch = []
    }
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, { sharedStrings: 'cache', styles: 'ignore', hyperlinks: 'ignore', worksheets: 'emit', entries: 'ignore' })
    let town = ''
    for await (const sheet of reader) {
      for await (const row of sheet) {
        const cell = (c: number) => {
          const v = row.getCell(c).value
          return v === null || v === undefined ? '' : typeof v === 'object' && 'richText' in v ? v.richText.map((r) => r.text).join('') : String(v)
        }
        const name = cell(3)
        const quantity = Number.parseFloat(cell(6).replace(/[^\d.]/g, ''))
        if (cell(2)) town = cell(2)
        if (!name || name === '物资名称' || !Number.isFinite(quantity)) continue
        batch.push([towns.get(town) ?? WUXING, '9000000', name, cell(4) || null, cell(5) || '件', quantity])
        if (batch.length >= 1000) await flush()
      }
    }
    await flush()
    return { rows, detail: {} }
  } finally {
    await pool.end()
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
      console.log(`${side === 'ours' ? '导入（解析预览 + 提交）' : '基线（exceljs 流式读取 + 每批 1000 行 INSERT）'}：${r.rows} 行，${round(r.ms / 1000)} 秒，峰值内存 ${round(r.peakRssMb)} MB`)
      if (side === 'ours') console.log(JSON.stringify(r.detail))
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
