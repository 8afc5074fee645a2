import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { annexByKey } from '../src/domain/ledgers/annexes.js'
import { scopeOf } from '../src/server/db/scope.js'
import { parseImport } from '../src/server/features/ledgers/import-parse.js'
import { commitImport } from '../src/server/features/ledgers/import-commit.js'
import { openLedger } from '../src/server/features/ledgers/read/read-ledger.js'
import { bigSupplyLedger } from '../src/server/features/ledgers/fixtures/messy-ledger.js'
import { loadRegions } from '../src/server/features/regions/load.js'
import { benchDatabase } from './lib.js'
const N = Number(process.argv[2] ?? 100000)
const bench = await benchDatabase()
const { close } = bench
const { Kysely, PostgresDialect, CamelCasePlugin } = await import('kysely')
const pgmod = (await import('pg')).default
const stats = new Map<string, [number, number]>()
const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pgmod.Pool({ connectionString: bench.url, max: 4 }) }), plugins: [new CamelCasePlugin({ maintainNestedObjectKeys: true })],
  log: (e) => { const k = e.query.sql.replace(/\s+/g, ' ').slice(0, 90); const s = stats.get(k) ?? [0, 0]; s[0]++; s[1] += e.queryDurationMillis; stats.set(k, s) } }) as any
try {
  await loadRegions(db, '3305')
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'probe-'))
  const file = path.join(dir, 'a.xlsx')
  await bigSupplyLedger(file, N)
  const annex = annexByKey('annex4')!
  let t = Date.now()
  const { rows } = await openLedger(await fs.readFile(file), 'a.xlsx', { columns: annex.columns }, { maxRows: 300000 })
  let n = 0; const phones = new Set(); for await (const r of rows) { n++; phones.add(r.values.keeperPhone) }
  console.log('reader only', Date.now() - t, n, 'distinct phones', phones.size)
  t = Date.now()
  const imp = await db.insertInto('ledgerImport').values({ annex: 'annex4', fileName: 'a.xlsx', fileSha256: '-', regionCode: '330502000000' }).returning('id').executeTakeFirstOrThrow()
  await parseImport({ db, importId: imp.id, annex, regionCode: '330502000000', filePath: file, fileName: 'a.xlsx', logError: console.error })
  console.log('parse', Date.now() - t)
  t = Date.now()
  await commitImport(db, scopeOf('330502000000'), { id: null, name: 'x', ip: null }, imp.id)
  console.log('commit', Date.now() - t)
  console.log([...stats].sort((a, b) => b[1][1] - a[1][1]).slice(0, 15).map(([k, v]) => `${Math.round(v[1])}ms x${v[0]} ${k}`).join('\n'))
  const { sql } = await import('kysely')
  console.log((await sql`select count(*) as n, count(distinct mobile) as m, count(*) filter (where mobile is null) as nomobile from person`.execute(db)).rows)
  console.log((await sql`select data->'target'->'keeper' as k from ledger_import_row where outcome <> 'error' limit 5`.execute(db)).rows)
  console.log((await sql`select count(distinct data->'target'->'keeper'->>'mobile') as m from ledger_import_row where outcome <> 'error'`.execute(db)).rows)
} finally { await close() }
