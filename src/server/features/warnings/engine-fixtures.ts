import { DEFAULT_LADDERS, type LadderPolicy } from '../../../domain/warnings/ladder.js'
import { isWarningLevel } from '../../../domain/warnings/levels.js'
import { emptyTarget, type WarningTarget } from '../../../domain/warnings/target.js'
import type { Db } from '../../db/database.js'
import type { Clock } from '../../jobs/clock.js'
import { enqueueFanout } from './workflow/queries.js'

/**
 * Rows for the delivery engine's tests (fan-out, dispatch, ladder, confirm): people with the
 * means of reaching them, and issued warnings, written straight into the database.
 */

// 湖州市吴兴区 › 织里镇 › 织里居委会, 大邾社区; 八里店镇 beside it.
export const COUNTY = '330502000000'
export const ZHILI = '330502100000'
export const V1 = '330502100001'
export const V2 = '330502100002'
export const BALIDIAN = '330502101000'

let seq = 0

export type PersonFixture = {
  regionCode: string
  roles?: string[]
  name?: string
  post?: string
  /** Default: a fresh mobile; null for none. */
  mobile?: string | null
  email?: string | null
  /** Give the person a signed-in account, so the in-app channel reaches them. */
  account?: boolean
}

export async function addPerson(db: Db, p: PersonFixture): Promise<number> {
  const n = ++seq
  const row = await db.insertInto('person').values({
    regionCode: p.regionCode,
    name: p.name ?? `责任人${n}`,
    post: p.post ?? '书记',
    mobile: p.mobile === undefined ? `139${String(10_000_000 + process.pid * 1000 + n).slice(-8)}` : p.mobile,
    email: p.email ?? null,
    roles: p.roles ?? ['head'],
  }).returning('id').executeTakeFirstOrThrow()
  if (p.account) {
    await db.insertInto('appUser').values({
      username: `p${process.pid}_${n}`, displayName: p.name ?? `责任人${n}`, role: 'viewer', regionCode: p.regionCode,
      passwordHash: 'x', personId: row.id,
    }).execute()
  }
  return row.id
}

export type WarningFixture = {
  regionCode?: string
  level?: number
  purpose?: 'warning' | 'drill'
  target?: Partial<WarningTarget>
  channels?: string[]
  ladder?: Partial<LadderPolicy>
  headline?: string
  expires?: Date | null
}

/** An issued warning (as approval leaves it) with its fan-out job queued. */
export async function issuedWarning(db: Db, clock: Clock, w: WarningFixture = {}): Promise<number> {
  const level = w.level ?? 2
  const now = clock.now()
  const row = await db.insertInto('warning').values({
    regionCode: w.regionCode ?? COUNTY,
    purpose: w.purpose ?? 'warning',
    status: 'issued',
    identifier: `T${process.pid}-${++seq}`,
    eventClass: 'natural', eventType: '暴雨', level,
    headline: w.headline ?? '吴兴区暴雨橙色预警',
    description: '预计未来 12 小时累计雨量可达 100 毫米以上',
    instruction: '责任人立即上岗到位，转移低洼地带人员',
    areaDesc: '织里镇', senderName: '湖州市吴兴区应急管理局',
    onset: now, issuedAt: now, expires: w.expires ?? null,
    target: JSON.stringify({ ...emptyTarget(), regions: [ZHILI], ...w.target }),
    channels: w.channels ?? ['inapp', 'sms', 'voice'],
    ladder: JSON.stringify({ ...DEFAULT_LADDERS[isWarningLevel(level) ? level : 2], ...w.ladder }),
  }).returning('id').executeTakeFirstOrThrow()
  await enqueueFanout(db, row.id, 1, now)
  return row.id
}
