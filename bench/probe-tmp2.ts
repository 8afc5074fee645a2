import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { annexByKey } from '../src/domain/ledgers/annexes.js'
import { openLedger } from '../src/server/features/ledgers/read/read-ledger.js'
import { RowResolver } from '../src/server/features/ledgers/import-resolve.js'
import { bigSupplyLedger } from '../src/server/features/ledgers/fixtures/messy-ledger.js'
import { loadRegions } from '../src/server/features/regions/load.js'
import { benchDatabase } from './lib.js'
const N = Number(process.argv[2] ?? 100000)
const { db, close } = await benchDatabase()
try {
  await loadRegions(db, '3305')
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'probe-'))
  const file = path.join(dir, 'a.xlsx')
  await bigSupplyLedger(file, N)
  const annex = annexByKey('annex4')!
  let t = Date.now()
  const { rows, meta } = await openLedger((await import('node:fs')).createReadStream(file), 'a.xlsx', { columns: annex.columns }, { maxRows: 300000 })
  const all = []; for await (const r of rows) all.push(r)
  console.log('reader', Date.now() - t)
  t = Date.now()
  const res = await RowResolver.create(db, annex, '330502000000', meta)
  let size = 0
  for (const r of all) { const x = await res.resolve(r); const d: any = {}; for (const c of annex.columns) d[c.key] = r.values[c.key] ?? (r.raw[c.key] || null); d.target = x.target; size += JSON.stringify(d, (k, v) => v === null ? undefined : v).length }
  console.log('resolve+json', Date.now() - t, 'avg json', size / all.length)
} finally { await close() }
