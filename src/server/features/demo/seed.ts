import crypto from 'node:crypto'
import { jurisdictionPrefix, levelOf, type RegionLevel } from '../../../domain/regions/code.js'
import { roleDef, type RoleKey } from '../../../domain/auth/roles.js'
import type { Db } from '../../db/database.js'
import { recordAudit, SYSTEM_ACTOR } from '../audit/record.js'
import { hashPassword } from '../auth/passwords.js'
import { seedDemoDirectory } from '../directory/demo.js'
import { placeDemoPositions } from '../map/positions.js'
import { seedDemoResources } from '../resources/demo.js'
import { seedDemoSupplies } from '../supplies/demo.js'
import { seedWarningsDemo } from '../warnings/demo.js'

export type DemoLogin = { label: string; username: string; password: string; regionCode: string; role: RoleKey }

/** A password that satisfies the policy: letters of both cases, digits and a symbol. */
function demoPassword(): string {
  return `Demo-${crypto.randomBytes(6).toString('base64url').replace(/[-_]/g, 'x')}7a`
}

/** The first region below `code` at `level`, in code order: deterministic demo picks. */
async function firstBelow(db: Db, code: string, level: RegionLevel): Promise<string> {
  const row = await db.selectFrom('region').select('code')
    .where('code', 'like', `${jurisdictionPrefix(code)}%`).where('level', '=', level)
    .orderBy('code').limit(1).executeTakeFirstOrThrow()
  return row.code
}

/**
 * Demo accounts at every level of the root region, with fresh random passwords returned for
 * printing once. Accounts are flagged `is_demo`; usernames start with "demo-".
 */
export async function seedDemo(db: Db, rootCode: string): Promise<DemoLogin[]> {
  const rootLevel = levelOf(rootCode)
  const county = rootLevel === 'county' ? rootCode : await firstBelow(db, rootCode, 'county')
  const township = await firstBelow(db, county, 'township')
  const village = await firstBelow(db, township, 'village')
  const managerOf: Partial<Record<RegionLevel, RoleKey>> = {
    city: 'city_manager', county: 'county_manager', township: 'township_manager', village: 'village_manager',
  }
  // `note` tells two accounts of one role apart in the printed list.
  const plan: Array<{ username: string; role: RoleKey; regionCode: string; note?: string }> = [
    { username: 'demo-admin', role: 'sysadmin', regionCode: rootCode },
    { username: 'demo-security', role: 'secadmin', regionCode: rootCode },
    { username: 'demo-auditor', role: 'auditor', regionCode: rootCode },
    ...(managerOf[rootLevel] ? [{ username: 'demo-city', role: managerOf[rootLevel]!, regionCode: rootCode }] : []),
    { username: 'demo-county', role: 'county_manager', regionCode: county },
    // Four eyes: whoever drafts a warning does not approve it, so the county has a second approver.
    { username: 'demo-approver', role: 'county_manager', regionCode: county, note: '·审批' },
    { username: 'demo-duty', role: 'duty', regionCode: county },
    { username: 'demo-township', role: 'township_manager', regionCode: township },
    { username: 'demo-village', role: 'village_manager', regionCode: village },
  ]
  const logins: DemoLogin[] = []
  await db.transaction().execute(async (trx) => {
    for (const p of plan) {
      const password = demoPassword()
      const region = await trx.selectFrom('region').select(['name', 'fullName']).where('code', '=', p.regionCode).executeTakeFirstOrThrow()
      const label = `${roleDef(p.role)!.label}${p.note ?? ''}`
      const user = await trx.insertInto('appUser').values({
        username: p.username,
        displayName: `${region.name}·${label}（演示）`,
        role: p.role,
        regionCode: p.regionCode,
        passwordHash: await hashPassword(password),
        isDemo: true,
      }).returning('id').executeTakeFirstOrThrow()
      await recordAudit(trx, SYSTEM_ACTOR, { action: 'user.created', entity: 'user', entityId: user.id, regionCode: p.regionCode, after: { username: p.username, role: p.role, demo: true } })
      logins.push({ label: `${label}（${region.fullName}）`, username: p.username, password, regionCode: p.regionCode, role: p.role })
    }
  })
  await seedDemoDirectory(db, rootCode)
  // Before the supplies: their demo lines are put in the demo storage points.
  await seedDemoResources(db, rootCode)
  await seedDemoSupplies(db, rootCode)
  // Synthetic positions around real county centres, so the one-map has something to show.
  await placeDemoPositions(db, rootCode)
  // Accounts linked to people, a 防汛责任人 group and one draft warning; nothing is issued.
  await seedWarningsDemo(db, rootCode)
  return logins
}
