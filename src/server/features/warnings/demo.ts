import { jurisdictionPrefix } from '../../../domain/regions/code.js'
import { DEFAULT_LADDERS } from '../../../domain/warnings/ladder.js'
import type { Db } from '../../db/database.js'
import { NATIONWIDE } from '../../db/scope.js'
import { recordAudit, SYSTEM_ACTOR } from '../audit/record.js'
import { checkWarningInput } from './drafting/input.js'
import { warningColumns } from './drafting/queries.js'

export type WarningsDemoCounts = { linkedAccounts: number; groups: number; drafts: number }

/**
 * Which directory person each demo account is, by responsibility role in the account's own
 * region: the first role that matches wins. The link makes the in-app inbox work for them.
 */
const ACCOUNT_PERSON_ROLES: Record<string, readonly string[]> = {
  'demo-city': ['liaison', 'duty_officer', 'head'],
  'demo-county': ['liaison', 'head'],
  'demo-duty': ['duty_officer'],
  'demo-township': ['head', 'liaison'],
  'demo-village': ['head', 'liaison'],
}

const DAY_MS = 24 * 60 * 60 * 1000

/**
 * Warnings demo under `rootCode`: demo accounts linked to demo people, a custom 防汛责任人
 * group for the demo county and one orange rainstorm warning left as a draft. Nothing is issued,
 * so a fresh demo sends nothing until someone approves the draft. Does nothing the second time.
 */
export async function seedWarningsDemo(db: Db, rootCode: string, now: Date = new Date()): Promise<WarningsDemoCounts> {
  const prefix = jurisdictionPrefix(rootCode)
  return db.transaction().execute(async (trx) => {
    const already = await trx.selectFrom('linkageGroup').select('id').where('isDemo', '=', true).where('regionCode', 'like', `${prefix}%`).limit(1).executeTakeFirst()
    if (already) return { linkedAccounts: 0, groups: 0, drafts: 0 }

    const accounts = await trx.selectFrom('appUser').select(['id', 'username', 'regionCode'])
      .where('isDemo', '=', true).where('personId', 'is', null).where('regionCode', 'like', `${prefix}%`)
      .where('username', 'in', Object.keys(ACCOUNT_PERSON_ROLES)).orderBy('id').execute()
    const used = new Set<number>()
    let linkedAccounts = 0
    for (const account of accounts) {
      const people = await trx.selectFrom('person').select(['id', 'roles'])
        .where('regionCode', '=', account.regionCode).where('isDemo', '=', true).orderBy('id').execute()
      const free = people.filter((p) => !used.has(p.id))
      const pick = ACCOUNT_PERSON_ROLES[account.username].map((role) => free.find((p) => p.roles.includes(role))).find(Boolean)
      if (!pick) continue
      used.add(pick.id)
      await trx.updateTable('appUser').set({ personId: pick.id }).where('id', '=', account.id).execute()
      linkedAccounts++
    }

    const countyUser = accounts.find((a) => a.username === 'demo-county')
    const county = await trx.selectFrom('region').select(['code', 'name', 'fullName'])
      .where('code', 'like', `${prefix}%`).where('level', '=', 'county')
      .$if(countyUser !== undefined, (qb) => qb.where('code', '=', countyUser!.regionCode))
      .orderBy('code').limit(1).executeTakeFirst()
    if (!county) return { linkedAccounts, groups: 0, drafts: 0 }

    await trx.insertInto('linkageGroup').values({
      regionCode: county.code, name: '防汛责任人', kind: 'custom', roles: ['flood_control'], subtree: true,
      note: `演示数据：${county.name}及所辖乡镇、村（社区）的全部防汛责任人`, isDemo: true,
    }).execute()

    const townships = await trx.selectFrom('region').select(['code', 'name'])
      .where('parentCode', '=', county.code).where('level', '=', 'township').orderBy('code').limit(3).execute()
    let drafts = 0
    if (townships.length > 0) {
      const names = townships.map((t) => t.name).join('、')
      const values = await checkWarningInput(trx, NATIONWIDE, {
        regionCode: county.code,
        eventClass: 'natural',
        eventType: '暴雨',
        level: 2,
        headline: `${county.name}暴雨橙色预警（演示）`,
        description: `受强降雨云团影响，预计未来 12 小时${names}累计雨量可达 100 毫米以上，局地伴有雷电和短时大风，山洪、地质灾害和城乡积涝风险高。`,
        instruction: '1. 各乡镇（街道）、村（社区）责任人立即上岗到位，做好防汛应急准备；2. 转移山洪、地质灾害隐患点和低洼易涝区域人员；3. 停止户外作业和大型户外活动；4. 加强巡查值守，发现险情立即报告。',
        areaDesc: names,
        senderName: `${county.fullName}应急管理局（演示）`,
        onset: now.toISOString(),
        expires: new Date(now.getTime() + DAY_MS).toISOString(),
        target: { regions: townships.map((t) => t.code), polygons: [], circles: [], roles: [], groupIds: [] },
        channels: ['inapp', 'sms', 'voice'],
        ladder: DEFAULT_LADDERS[2],
      })
      const warning = await trx.insertInto('warning').values({ ...warningColumns(values), createdBy: countyUser?.id ?? null, isDemo: true })
        .returning('id').executeTakeFirstOrThrow()
      await trx.insertInto('warningStep').values({
        warningId: warning.id, at: now, kind: 'created', actorId: countyUser?.id ?? null, detail: JSON.stringify({ source: 'manual' }),
      }).execute()
      drafts = 1
    }

    const counts = { linkedAccounts, groups: 1, drafts }
    await recordAudit(trx, SYSTEM_ACTOR, { action: 'demo.seeded', entity: 'warnings', regionCode: rootCode, after: counts })
    return counts
  })
}
