import type { Config } from '../../config.js'
import type { Db } from '../../db/database.js'
import { jurisdictionPrefix } from '../../../domain/regions/code.js'
import { placeRegionPositions } from '../map/positions.js'
import { loadRegions } from '../regions/load.js'
import { demoWasPurged } from './purge.js'
import { seedDemo } from './seed.js'

/**
 * Brings a fresh database to a usable state: the root region's division tree, and on an empty
 * database with demo enabled, the demo data. Runs at every start; does nothing the second time.
 */
export async function prepareDeployment(db: Db, config: Config, log: (line: string) => void): Promise<void> {
  const root = await db.selectFrom('region').select('code').where('code', '=', config.rootRegion).executeTakeFirst()
  if (!root) {
    const started = Date.now()
    const result = await loadRegions(db, jurisdictionPrefix(config.rootRegion))
    log(`已载入区划 ${result.rows} 条（${((Date.now() - started) / 1000).toFixed(1)} 秒）`)
  }
  // Regions need a position for the one-map and for "nearest to this village", demo or not.
  // Asked of the regions below the root, not of the root itself: provinces get no position.
  const prefix = jurisdictionPrefix(config.rootRegion)
  const unplaced = await db.selectFrom('region').select('code')
    .where('code', 'like', `${prefix}%`).where('code', '<>', config.rootRegion).where('lng', 'is', null).limit(1).executeTakeFirst()
  if (unplaced) await placeRegionPositions(db, prefix)
  const anyUser = await db.selectFrom('appUser').select('id').limit(1).executeTakeFirst()
  // A database whose demo was purged has no accounts until the set-up command makes some: it is
  // not empty, and must not get the demo back at the next start.
  if (!anyUser && config.demo && !(await demoWasPurged(db))) {
    const logins = await seedDemo(db, config.rootRegion)
    log('')
    log('==== 演示数据已生成（DEMO，仅供体验，请勿用于生产）。以下登录信息只显示这一次： ====')
    for (const l of logins) log(`  ${l.label.padEnd(16, '　')} 用户名 ${l.username.padEnd(16)} 口令 ${l.password}`)
    log('================================================================================')
    log('')
  }
}
