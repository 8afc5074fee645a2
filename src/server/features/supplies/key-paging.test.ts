import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seededRandom } from '../../../domain/seeded-random.js'
import { signIn, testApp, type Session } from '../../testing/test-app.js'

/**
 * Key paging of the supply list: every line exactly once across the pages of every order, while
 * other keepers add lines between one page and the next; counts beyond 1000 said as 超过 1000
 * unless asked for exactly.
 */

const WUXING = '330502000000' // 吴兴区
const ZHILI = '330502100000' // 织里镇
const VILLAGE = '330502100201' // a village of 织里镇

let app: FastifyInstance
let county: Session
let places: string[]
const rng = seededRandom(7)

type Page = { items: Array<{ id: number }>; next: string | null; total: number; totalExact: boolean; totalLabel: string }

/** Lines written straight to the table, several per statement, as an import writes them. */
async function addLines(n: number, at: string[] = places): Promise<number[]> {
  const names = ['救生衣', '冲锋舟', '编织袋', '帐篷']
  const rows = Array.from({ length: n }, () => ({
    regionCode: at[Math.floor(rng() * at.length)], classCode: '2000000', name: names[Math.floor(rng() * names.length)], unit: '件',
    quantity: Math.floor(rng() * 4), expiresOn: rng() < 0.4 ? null : `2027-0${1 + Math.floor(rng() * 9)}-1${Math.floor(rng() * 9)}`,
  }))
  return (await app.db.insertInto('supply').values(rows).returning('id').execute()).map((r) => r.id)
}

beforeAll(async () => {
  app = await testApp()
  county = await signIn(app, { role: 'county_manager', regionCode: WUXING })
  places = (await app.db.selectFrom('region').select('code').where('code', 'like', '3305021%').orderBy('code').limit(6).execute()).map((r) => r.code)
})
afterAll(async () => { await app.close() })

async function page(query: string): Promise<Page> {
  const res = await county.request({ url: `/api/supplies?${query}` })
  expect(res.statusCode, res.body).toBe(200)
  return res.json()
}

describe('supply list key paging', () => {
  it('lists every line exactly once in every order while lines are added between pages', async () => {
    const before = await addLines(90)
    // Ties on purpose: same region, name and timestamps for several lines.
    await app.db.updateTable('supply').set({ updatedAt: sql`date_trunc('minute', now())` }).where('id', 'in', before.slice(0, 30)).execute()
    for (const order of ['', 'sort=name&order=desc', 'sort=expiresOn', 'sort=expiresOn&order=desc', 'sort=quantity', 'sort=updatedAt&order=desc']) {
      const seen: number[] = []
      let after: string | null = null
      for (let i = 0; i < 100; i++) {
        const p: Page = await page(`regionCode=${ZHILI}&pageSize=7${order ? `&${order}` : ''}${after ? `&after=${after}` : ''}`)
        seen.push(...p.items.map((s) => s.id))
        // Another keeper adds lines anywhere in the order meanwhile.
        await addLines(2)
        if (p.next === null) break
        after = p.next
      }
      const once = new Set(seen)
      expect(once.size, `${order}: no line twice`).toBe(seen.length)
      for (const id of before) expect(once.has(id), `${order}: line ${id} listed`).toBe(true)
    }
  })

  it('says 超过 1000 for a long list unless asked to count exactly', async () => {
    await addLines(1005, [VILLAGE])
    const capped = await page(`regionCode=${VILLAGE}&pageSize=5`)
    expect(capped).toMatchObject({ total: 1000, totalExact: false, totalLabel: '超过 1000' })
    expect(capped.items).toHaveLength(5)
    const { n } = await app.db.selectFrom('supply').select((eb) => eb.fn.countAll<number>().as('n')).where('regionCode', '=', VILLAGE).executeTakeFirstOrThrow()
    expect(await page(`regionCode=${VILLAGE}&pageSize=5&count=exact`)).toMatchObject({ total: n, totalExact: true, totalLabel: String(n) })
    // Narrowed by region (and class) only, the tallies know the exact figure at no cost.
    const { all } = await app.db.selectFrom('supply').select((eb) => eb.fn.countAll<number>().as('all')).where('regionCode', 'like', '330502%').executeTakeFirstOrThrow()
    expect(await page('pageSize=5')).toMatchObject({ total: all, totalExact: true, totalLabel: String(all) })
    expect(await page('pageSize=5&classCode=2000000')).toMatchObject({ total: all, totalExact: true })
    // A search is counted by its rows, exactly while under the cap.
    const { found } = await app.db.selectFrom('supply').select((eb) => eb.fn.countAll<number>().as('found'))
      .where('regionCode', 'like', '330502%').where('name', '=', '救生衣').executeTakeFirstOrThrow()
    expect(found).toBeLessThan(1000)
    expect(await page('pageSize=5&q=救生衣')).toMatchObject({ total: found, totalExact: true })
  })

  it('refuses a made-up cursor, one of another order, and a page number beside a cursor', async () => {
    const first = await page(`regionCode=${ZHILI}&pageSize=3`)
    expect(first.next).not.toBeNull()
    const bad = async (query: string) => {
      const res = await county.request({ url: `/api/supplies?${query}` })
      expect(res.statusCode).toBe(400)
      return res.json()
    }
    expect((await bad(`after=${Buffer.from('["region","x"]').toString('base64url')}`)).message).toContain('“接续位置”')
    expect((await bad(`sort=name&after=${first.next}`)).code).toBe('INVALID_FIELD')
    expect((await bad('after=abc')).details).toMatchObject([{ field: 'after' }])
    expect((await bad(`page=2&after=${first.next}`)).message).toContain('不能与“接续位置”')
  })
})
