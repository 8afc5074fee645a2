import { sql } from 'kysely'
import { benchDatabase } from './lib.js'
const { db, pool, close } = await benchDatabase()
try {
  const data = { seq: 1, name: '救生衣', unit: '件', holder: '八里店镇', target: { kind: 'supply', name: '救生衣', unit: '件', keeper: { name: '吴静', roles: [], mobile: '13842174601', regionCode: '330502101000' }, quantity: 278, classCode: '2000000', condition: 'good', expiresOn: '2022-05-21', importKey: '救生衣|成人款|村委会仓库|2015-12-18', regionCode: '330502101000', isEquipment: true, purchasedOn: '2015-12-18', reserveForm: 'physical', storagePlace: '村委会仓库', specification: '成人款' }, quantity: 278, condition: 'good', expiresOn: '2022-05-21', keeperName: '吴静', keeperPhone: '13842174601', purchasedOn: '2015-12-18', reserveForm: 'physical', storagePlace: '村委会仓库', specification: '成人款' }
  let id = 0
  const mk = async () => (await db.insertInto('ledgerImport').values({ annex: 'annex4', fileName: 'x', fileSha256: '-', regionCode: '330000000000' }).returning('id').executeTakeFirstOrThrow()).id
  await sql`insert into region (code, name, level, full_name) values ('330000000000', '浙江省', 'province', '浙江省')`.execute(db)
  const rows = Array.from({ length: 1000 }, (_, i) => ({ rowNo: i, data: { ...data, seq: i }, problems: [], outcome: 'create' }))
  for (const method of ['recordset', 'unnest', 'values', 'recordset', 'unnest', 'values']) {
    id = await mk()
    const t = Date.now()
    for (let b = 0; b < 30; b++) {
      const rs = rows.map((r) => ({ ...r, rowNo: r.rowNo + b * 1000 }))
      if (method === 'recordset') {
        const doc = JSON.stringify(rs.map((r) => ({ row_no: r.rowNo, data: r.data, problems: r.problems, outcome: r.outcome })))
        await sql`insert into ledger_import_row (import_id, row_no, data, problems, outcome) select ${id}, row_no, data, problems, outcome from jsonb_to_recordset(${doc}::jsonb) as r(row_no int, data jsonb, problems jsonb, outcome text)`.execute(db)
      } else if (method === 'unnest') {
        await sql`insert into ledger_import_row (import_id, row_no, data, problems, outcome) select ${id}, * from unnest(${rs.map((r) => r.rowNo)}::int[], ${rs.map((r) => JSON.stringify(r.data))}::text[]::jsonb[], ${rs.map((r) => JSON.stringify(r.problems))}::text[]::jsonb[], ${rs.map((r) => r.outcome)}::text[])`.execute(db)
      } else {
        const params: unknown[] = []
        const values = rs.map((r, i) => { params.push(r.rowNo, JSON.stringify(r.data), '[]', r.outcome); return `(${id}, $${i * 4 + 1}, $${i * 4 + 2}, $${i * 4 + 3}, $${i * 4 + 4})` }).join(',')
        await pool.query(`insert into ledger_import_row (import_id, row_no, data, problems, outcome) values ${values}`, params)
      }
    }
    console.log(method, Date.now() - t)
  }
} finally { await close() }
