import { afterAll, beforeAll, expect, it } from 'vitest'
import { readConfig } from '../../config.js'
import type { Db } from '../../db/database.js'
import { createTestDb } from '../../testing/test-app.js'
import { prepareDeployment } from './prepare.js'

let db: Db
let drop: () => Promise<void>
beforeAll(async () => { ({ db, drop } = await createTestDb()) })
afterAll(async () => { await drop() })

it('places the root region on the map even without demo data, and seeds nothing', async () => {
  const config = { ...readConfig({}), rootRegion: '330500000000', demo: false }
  const lines: string[] = []
  await prepareDeployment(db, config, (l) => lines.push(l))
  const wuxing = await db.selectFrom('region').select(['lng', 'lat']).where('code', '=', '330502000000').executeTakeFirstOrThrow()
  // 吴兴区 lies within 湖州市's bounding box.
  expect(wuxing.lng).toBeGreaterThan(119.2)
  expect(wuxing.lng).toBeLessThan(120.5)
  expect(wuxing.lat).toBeGreaterThan(30.3)
  expect(wuxing.lat).toBeLessThan(31.2)
  const villagesWithout = await db.selectFrom('region').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('code', 'like', '3305%').where('lng', 'is', null).executeTakeFirstOrThrow()
  expect(villagesWithout.n).toBe(0)
  expect(await db.selectFrom('appUser').select('id').execute()).toEqual([])
  expect(lines.join('\n')).not.toContain('演示数据')
})
