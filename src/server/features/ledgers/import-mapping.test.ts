import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signIn, testApp, type Session } from '../../testing/test-app.js'
import { LAYOUTS, noRegionAnnex4, unknownHeadersAnnex4, writeSheet, WUXING, ZHILI, type Layout } from './fixtures/layouts.js'
import { commit, importFile, previewRows, tempFile, waitParsed, type ImportState } from './test-upload.js'

/**
 * The column-mapping step: a ledger whose layout the reader cannot place (no region column, a
 * column nobody recognises) waits for the user; what the user maps is remembered for the next
 * file of the same header; a name fitting two regions is the user's to choose.
 */

let app: FastifyInstance
let county: Session
let township: Session

beforeAll(async () => {
  app = await testApp()
  county = await signIn(app, { role: 'county_manager', regionCode: WUXING })
  township = await signIn(app, { role: 'township_manager', regionCode: ZHILI })
})
afterAll(async () => { await app.close() })

type Meta = { sheetColumns: Array<{ index: number; label: string; key: string | null; samples: string[] }>; needs: Array<{ code: string; message: string }>; mappingSource: string }
const metaOf = (state: ImportState) => state.meta as unknown as Meta

async function importLayout(s: Session, layout: Layout, seed: number): Promise<{ state: ImportState; expected: ReturnType<Layout['build']>['expected'] }> {
  const { sheet, expected } = layout.build(seed)
  const file = await tempFile(`${layout.name}-${seed}.${layout.format === 'xlsx' ? 'xlsx' : 'csv'}`)
  await writeSheet(file, layout.format, sheet)
  return { state: await importFile(s, layout.annex, layout.regionCode, file), expected }
}

const remap = (s: Session, id: number, body: unknown) => s.request({ method: 'PUT', url: `/api/ledgers/imports/${id}/mapping`, payload: body as object })

describe('a ledger without a column saying where rows belong', () => {
  it('stops before the rows and asks; nothing can be committed meanwhile', async () => {
    const { state } = await importLayout(township, noRegionAnnex4, 1)
    expect(state).toMatchObject({ status: 'mapping', totalRows: 0, validRows: 0 })
    expect(metaOf(state).needs.map((n) => n.code)).toEqual(['NO_PLACEMENT'])
    expect(state.message).toContain('没有找到说明每行属于哪个区划的列')
    expect(await previewRows(township, state.id)).toEqual([])
    const refused = await commit(township, state.id)
    expect(refused.statusCode).toBe(409)
    expect(refused.json().message).toContain('列的对应关系')
  })

  it('reads the rows once the user puts them all in the township, and the next file of the layout without asking', async () => {
    const { state } = await importLayout(township, noRegionAnnex4, 2)
    const res = await remap(township, state.id, { columns: [], placement: { regionCode: ZHILI } })
    expect(res.statusCode, res.body).toBe(202)
    const read = await waitParsed(township, state.id)
    expect(read).toMatchObject({ status: 'previewed', validRows: 5, errorRows: 0 })
    expect(metaOf(read).mappingSource).toBe('user')
    for (const row of await previewRows(township, state.id)) expect(row.data.target).toMatchObject({ regionCode: ZHILI })
    const audit = await app.db.selectFrom('auditLog').select(['entityId', 'after']).where('action', '=', 'ledger.mapping_saved').execute()
    expect(audit).toEqual([expect.objectContaining({ entityId: String(state.id), after: expect.objectContaining({ remembered: true }) })])

    // Another month's file of the same layout: read straight away, the rows in the same place.
    const next = await importLayout(township, noRegionAnnex4, 3)
    expect(next.state).toMatchObject({ status: 'previewed', validRows: 5 })
    expect(metaOf(next.state).mappingSource).toBe('saved')
    expect((await commit(township, next.state.id)).json()).toMatchObject({ supply: { created: 5 } })
  })

  it('refuses a region outside the import, a key the annex does not have, and one key for two columns', async () => {
    const { state } = await importLayout(county, unknownHeadersAnnex4, 4)
    const outside = await remap(county, state.id, { columns: [], placement: { regionCode: '330503100000' } })
    expect(outside.statusCode).toBe(403)
    const strange = await remap(county, state.id, { columns: [{ index: 0, key: 'salary' }] })
    expect(strange.statusCode).toBe(400)
    expect(strange.json()).toMatchObject({ code: 'IMPORT_BAD_MAPPING' })
    expect(strange.json().message).toContain('“所在片区”列的对应内容“salary”不是')
    const twice = await remap(county, state.id, { columns: [{ index: 0, key: 'name' }] })
    expect(twice.statusCode).toBe(400)
    expect(twice.json().message).toBe('“所在片区”列和“品名”列都对应了“物资名称”，每项内容只能对应一列')
    const notFound = await remap(township, state.id, { columns: [] })
    expect(notFound.statusCode).toBe(404)
  })
})

describe('a column nobody recognised', () => {
  it('is shown with its values; mapped once, the next file of the layout is read the same way', async () => {
    const { state, expected } = await importLayout(county, unknownHeadersAnnex4, 5)
    expect(state.status).toBe('mapping')
    const columns = metaOf(state).sheetColumns
    const area = columns.find((c) => c.label === '所在片区')!
    expect(area).toMatchObject({ index: 0, key: null })
    expect(area.samples.length).toBeGreaterThan(0)
    expect(columns.find((c) => c.label === '现有库存')?.key).toBe('quantity')

    expect((await remap(county, state.id, { columns: [{ index: area.index, key: 'township' }] })).statusCode).toBe(202)
    const read = await waitParsed(county, state.id)
    expect(read.status).toBe('previewed')
    const rows = await previewRows(county, state.id)
    expect(rows.map((r) => (r.data.target as { regionCode: string }).regionCode))
      .toEqual(expected.map((e) => (e.valid ? e.target.regionCode : null)))

    const next = await importLayout(county, unknownHeadersAnnex4, 6)
    expect(next.state.status).toBe('previewed')
    expect((await previewRows(county, next.state.id)).map((r) => (r.data.target as { regionCode: string }).regionCode))
      .toEqual(next.expected.map((e) => (e.valid ? e.target.regionCode : null)))
    // Another district's user gets no such mapping: it was kept for 吴兴区.
    const elsewhere = await signIn(app, { role: 'county_manager', regionCode: '330503000000' })
    const theirs = await importLayout(elsewhere, { ...unknownHeadersAnnex4, regionCode: '330503000000' }, 7)
    expect(theirs.state.status).toBe('mapping')
  })
})

describe('a name that fits two regions', () => {
  it('is listed with both for the user to choose, never guessed; the choice settles it', async () => {
    const layout = LAYOUTS.find((l) => l.name === 'annex7-compound-neighbours')!
    const { state } = await importLayout(county, layout, 8)
    const bad = (await previewRows(county, state.id, 'error'))[0]
    const problem = bad.problems[0]
    expect(problem).toMatchObject({ column: 'place', value: '大河' })
    expect(problem.candidates?.map((c) => c.fullName)).toEqual(['湖州市吴兴区织里镇大河社区居委会', '湖州市吴兴区织里镇大河村委会'])

    const res = await remap(county, state.id, { columns: [], regions: [{ column: 'place', text: '大河', regionCode: '330502100219' }] })
    expect(res.statusCode, res.body).toBe(202)
    const read = await waitParsed(county, state.id)
    expect(read.errorRows).toBe(0)
    const row = (await previewRows(county, state.id)).find((r) => r.rowNo === bad.rowNo)!
    expect(row.data.target).toMatchObject({ regionCode: '330502100219' })
  })
})

describe('a file with no valid row', () => {
  it('cannot be committed as a success', async () => {
    const file = await tempFile('全错.csv')
    const { writeFile } = await import('node:fs/promises')
    await writeFile(file, '乡镇（街道）,物资名称,数量,单位\r\n南浔镇,沙袋,100,只\r\n菱湖镇,雨衣,20,件\r\n')
    const state = await importFile(county, 'annex4', WUXING, file)
    expect(state).toMatchObject({ status: 'previewed', validRows: 0, errorRows: 2 })
    const res = await commit(county, state.id)
    expect(res.statusCode).toBe(409)
    expect(res.json()).toMatchObject({ code: 'IMPORT_NOTHING_VALID' })
    expect((await county.request({ url: `/api/ledgers/imports/${state.id}` })).json().status).toBe('previewed')
  })
})
