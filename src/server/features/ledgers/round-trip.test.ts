import ExcelJS from 'exceljs'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { annexByKey, type AnnexKey } from '../../../domain/ledgers/annexes.js'
import { seedDemoDirectory } from '../directory/demo.js'
import { seedDemoResources } from '../resources/demo.js'
import { seedDemoSupplies } from '../supplies/demo.js'
import { signIn, testApp, type Session } from '../../testing/test-app.js'
import { commit, upload, waitParsed, type ImportState } from './test-upload.js'
import { FIRST_DATA_ROW } from './workbook.js'

/**
 * The system's own export, read back: unedited, every row is unchanged and committing it
 * changes nothing (no record doubled, no stock moved); with one value edited, exactly that row
 * is an update, and for supplies exactly one 盘点 movement is booked. The data is what a
 * deployment starts with — demo records entered without any ledger import — plus team lines.
 */

const ZHILI = '330502100000' // 织里镇
const WUXING = '330502000000' // 吴兴区

let app: FastifyInstance
let manager: Session
let reporter: Session
let county: Session

const count = async (table: 'supply' | 'resource' | 'person' | 'stockMovement' | 'unit') =>
  Number((await app.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)

beforeAll(async () => {
  app = await testApp()
  await seedDemoDirectory(app.db, ZHILI)
  await seedDemoResources(app.db, ZHILI)
  await seedDemoSupplies(app.db, ZHILI)
  // Team equipment (annex 3) and an enterprise's reserve (annex 4), entered by hand.
  const team = await app.db.selectFrom('resource').select(['id', 'regionCode']).where('kind', '=', 'team').where('regionCode', 'like', '330502100%')
    .orderBy('id').executeTakeFirstOrThrow()
  const unit = await app.db.insertInto('unit').values({ regionCode: ZHILI, name: '湖州织里童装有限公司', kind: 'enterprise' }).returning('id').executeTakeFirstOrThrow()
  for (const [name, quantity, teamId, holderUnitId] of [['冲锋舟', 2, team.id, null], ['救生衣', 40, team.id, null], ['灭火器', 30, null, unit.id]] as const) {
    await app.db.insertInto('supply').values({
      regionCode: team.regionCode, classCode: '2000000', name, unit: '件', quantity, teamId, holderUnitId, isEquipment: true,
    }).execute()
  }
  manager = await signIn(app, { role: 'township_manager', regionCode: ZHILI })
  county = await signIn(app, { role: 'county_manager', regionCode: WUXING })
  // No 查看完整电话: the export masks the numbers.
  reporter = await signIn(app, { role: 'reporter', regionCode: ZHILI })
})
afterAll(async () => { await app.close() })

async function exported(s: Session, annex: AnnexKey, regionCode = ZHILI): Promise<Buffer> {
  const res = await s.request({ url: `/api/ledgers/${annex}/export?regionCode=${regionCode}` })
  expect(res.statusCode, res.body.slice(0, 300)).toBe(200)
  return res.rawPayload
}

async function reimport(s: Session, annex: AnnexKey, book: Buffer, regionCode = ZHILI): Promise<ImportState> {
  const res = await upload(s, annex, regionCode, `${annex}-导出.xlsx`, book)
  expect(res.statusCode, res.body).toBe(202)
  const state = await waitParsed(s, res.json().importId)
  expect(state.status, state.message ?? '').toBe('previewed')
  return state
}

async function outcomes(s: Session, id: number): Promise<Record<string, number>> {
  const out: Record<string, number> = {}
  for (const o of ['create', 'update', 'unchanged', 'error']) {
    const res = await s.request({ url: `/api/ledgers/imports/${id}/rows?outcome=${o}&pageSize=1` })
    out[o] = res.json().total
  }
  return out
}

/** The export with the cell of `key` in its first data row changed by `edit`. */
async function edited(book: Buffer, annex: AnnexKey, key: string, edit: (v: ExcelJS.CellValue) => ExcelJS.CellValue): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.load(book as unknown as ExcelJS.Buffer)
  const sheet = workbook.worksheets[0]
  const column = annexByKey(annex)!.columns.findIndex((c) => c.key === key) + 1
  const cell = sheet.getRow(FIRST_DATA_ROW).getCell(column)
  cell.value = edit(cell.value)
  return Buffer.from(await workbook.xlsx.writeBuffer())
}

const MAIN: Record<string, string> = { annex2: 'team', annex3: 'supply', annex4: 'supply', annex5: 'person', annex6: 'person', annex7: 'supply' }

/** What changes for the edit of each annex: a quantity for supplies, a head count, a post. */
const EDITS: Record<string, { key: string; edit: (v: ExcelJS.CellValue) => ExcelJS.CellValue }> = {
  annex2: { key: 'headcount', edit: (v) => Number(v ?? 0) + 3 },
  annex3: { key: 'quantity', edit: (v) => Number(v) + 7 },
  annex4: { key: 'quantity', edit: (v) => Number(v) + 7 },
  annex5: { key: 'headPost', edit: () => '党委书记（新任）' },
  annex6: { key: 'headPost', edit: () => '村党组织书记（新任）' },
  annex7: { key: 'quantity', edit: (v) => Number(v) + 7 },
}

describe('an export read back', () => {
  for (const annex of ['annex2', 'annex3', 'annex4', 'annex5', 'annex6', 'annex7'] as const) {
    // Annex 5 by a user who sees numbers masked: a masked number is no change.
    const who = () => (annex === 'annex5' ? reporter : manager)

    it(`${annex}: unedited, every row is unchanged and the commit writes nothing; one edit is one update`, async () => {
      const book = await exported(who(), annex)
      const before = { supply: await count('supply'), resource: await count('resource'), person: await count('person'), unit: await count('unit'), moves: await count('stockMovement') }

      const state = await reimport(who(), annex, book)
      expect(state.totalRows).toBeGreaterThan(0)
      const seen = await outcomes(who(), state.id)
      expect(seen).toEqual({ create: 0, update: 0, unchanged: state.totalRows, error: 0 })
      expect(state.meta).toMatchObject({ expected: { created: 0, updated: 0 } })
      const res = await commit(who(), state.id)
      expect(res.statusCode, res.body).toBe(200)
      // The summary agrees with the preview.
      expect(res.json()[MAIN[annex]]).toEqual(state.meta && 'expected' in state.meta ? state.meta.expected : null)
      expect({ supply: await count('supply'), resource: await count('resource'), person: await count('person'), unit: await count('unit'), moves: await count('stockMovement') })
        .toEqual(before)

      const { key, edit } = EDITS[annex]
      const changed = await reimport(who(), annex, await edited(book, annex, key, edit))
      expect(await outcomes(who(), changed.id)).toEqual({ create: 0, update: 1, unchanged: changed.totalRows - 1, error: 0 })
      const again = await commit(who(), changed.id)
      expect(again.statusCode, again.body).toBe(200)
      expect(again.json()[MAIN[annex]]).toEqual(changed.meta && 'expected' in changed.meta ? changed.meta.expected : null)
      expect(again.json()[MAIN[annex]]).toMatchObject({ created: 0, updated: 1 })
      const moves = await app.db.selectFrom('stockMovement').select(['kind', 'delta']).where('importId', '=', changed.id).execute()
      expect(moves).toEqual(MAIN[annex] === 'supply' ? [{ kind: 'count', delta: 7 }] : [])
      expect({ supply: await count('supply'), resource: await count('resource'), person: await count('person'), unit: await count('unit') })
        .toEqual({ supply: before.supply, resource: before.resource, person: before.person, unit: before.unit })
    })
  }
})

describe('a district export read back by the district', () => {
  // Annex 4 of a county names each line's township, or its enterprise; annex 7 township and village.
  for (const annex of ['annex2', 'annex4', 'annex7'] as const) {
    it(`${annex}: every row lands on the record it came from`, async () => {
      const before = { supply: await count('supply'), resource: await count('resource'), moves: await count('stockMovement') }
      const state = await reimport(county, annex, await exported(county, annex, WUXING), WUXING)
      expect(state.totalRows).toBeGreaterThan(0)
      expect(await outcomes(county, state.id)).toEqual({ create: 0, update: 0, unchanged: state.totalRows, error: 0 })
      expect((await commit(county, state.id)).statusCode).toBe(200)
      expect({ supply: await count('supply'), resource: await count('resource'), moves: await count('stockMovement') }).toEqual(before)
    })
  }
})
