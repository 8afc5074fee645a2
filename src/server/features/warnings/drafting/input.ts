import type { Kysely } from 'kysely'
import { RESPONSIBILITY_ROLES } from '../../../../domain/people/units.js'
import { isWithin } from '../../../../domain/regions/code.js'
import { CHANNELS, type Channel } from '../../../../domain/warnings/delivery.js'
import { DEFAULT_LADDERS, type LadderPolicy } from '../../../../domain/warnings/ladder.js'
import { EVENT_CLASSES, isWarningLevel, WARNING_PURPOSES, type WarningLevel, type WarningPurpose } from '../../../../domain/warnings/levels.js'
import { isEmptyTarget, type WarningTarget } from '../../../../domain/warnings/target.js'
import type { Db } from '../../../db/database.js'
import type { Database } from '../../../db/types.js'
import { inScope, scopeOf, type Scope } from '../../../db/scope.js'
import { AppError, badField } from '../../../errors.js'
import { checkRegion, requiredText } from '../../../shared/input.js'
import { countSketchVillages } from '../../linkage/recipients.js'
import { MAX_RADIUS_KM, type WarningInput, type WarningTargetInput } from '../schema.js'

/** A workflow step the warning's status does not allow (submit twice, approve a draft, …). */
export const illegalTransition = (message: string) => new AppError('ILLEGAL_TRANSITION', 409, message)

export const emptyTargetError = () =>
  new AppError('EMPTY_TARGET', 400, '预警范围为空：请至少选择一个区划、多边形、圆形区域或联动工作群', [{ field: 'target' }])

export function normaliseTarget(t: WarningTargetInput): WarningTarget {
  return {
    regions: t.regions ?? [],
    polygons: (t.polygons ?? []).map((ring) => ring.map(([lat, lng]) => [lat, lng] as [number, number])),
    circles: (t.circles ?? []).map(({ lat, lng, radiusKm }) => ({ lat, lng, radiusKm })),
    roles: t.roles ?? [],
    groupIds: t.groupIds ?? [],
  }
}

function checkLatLng(field: string, title: string, lat: number, lng: number): void {
  if (!Number.isFinite(lat) || lat < -90 || lat > 90) throw badField(field, title, lat, '不是有效的纬度（-90 至 90）')
  if (!Number.isFinite(lng) || lng < -180 || lng > 180) throw badField(field, title, lng, '不是有效的经度（-180 至 180）')
}

/**
 * The target as stored: region codes real and inside the issuing region, shapes well formed,
 * roles known, groups visible to the user. Empty targets pass here (a draft may be unfinished)
 * and are refused at submit and issue.
 */
export async function checkTarget(db: Db, scope: Scope, regionCode: string, input: WarningTargetInput): Promise<WarningTarget> {
  const target = normaliseTarget(input)
  for (const code of target.regions) {
    if (!isWithin(code, regionCode)) throw badField('target.regions', '预警区划', code, `不在发布区划（${regionCode}）之内`)
  }
  if (target.regions.length > 0) {
    const found = await db.selectFrom('region').select('code').where('code', 'in', target.regions).execute()
    const known = new Set(found.map((r) => r.code))
    const missing = target.regions.find((c) => !known.has(c))
    if (missing) throw badField('target.regions', '预警区划', missing, '不存在')
  }
  target.polygons.forEach((ring, i) => {
    const title = `第 ${i + 1} 个多边形`
    if (ring.length < 4) throw badField('target.polygons', title, `${ring.length} 个点`, '点数不足：闭合多边形至少需要 4 个点（首尾相同）')
    for (const [lat, lng] of ring) checkLatLng('target.polygons', title, lat, lng)
    const [first, last] = [ring[0], ring[ring.length - 1]]
    if (first[0] !== last[0] || first[1] !== last[1]) {
      throw badField('target.polygons', title, `${last[0]},${last[1]}`, `未闭合：最后一个点应与第一个点（${first[0]},${first[1]}）相同`)
    }
  })
  target.circles.forEach((c, i) => {
    const title = `第 ${i + 1} 个圆形区域`
    checkLatLng('target.circles', title, c.lat, c.lng)
    if (!Number.isFinite(c.radiusKm) || c.radiusKm <= 0) throw badField('target.circles', `${title}的半径（公里）`, c.radiusKm, '必须大于 0')
    if (c.radiusKm > MAX_RADIUS_KM) throw badField('target.circles', `${title}的半径（公里）`, c.radiusKm, `不能超过 ${MAX_RADIUS_KM}`)
  })
  for (const role of target.roles) {
    if (!(role in RESPONSIBILITY_ROLES)) throw badField('target.roles', '职责', role, '不是已知的职责')
  }
  if (target.groupIds.length > 0) {
    const found = await db.selectFrom('linkageGroup').select('id')
      .where('id', 'in', target.groupIds).where(inScope('regionCode', scope)).where(inScope('regionCode', scopeOf(regionCode))).execute()
    const known = new Set(found.map((g) => g.id))
    const missing = target.groupIds.find((id) => !known.has(id))
    if (missing !== undefined) throw badField('target.groupIds', '联动工作群', missing, '不存在或不在发布区划之内')
  }
  return target
}

export function checkChannels(channels: readonly string[], key = 'channels', title = '发送渠道'): Channel[] {
  if (channels.length === 0) throw badField(key, title, '', '至少选择一个渠道')
  for (const c of channels) if (!(c in CHANNELS)) throw badField(key, title, c, '不是支持的渠道')
  return [...new Set(channels)] as Channel[]
}

/** Numbers of a 叫应 policy that fit together; ranges are already checked by the schema. */
export function checkLadder(ladder: LadderPolicy): LadderPolicy {
  checkChannels(ladder.wave1, 'ladder.wave1', '首轮渠道')
  if (ladder.voiceAfterMinutes !== null && ladder.voiceAttempts < 1) {
    throw badField('ladder.voiceAttempts', '语音呼叫次数', ladder.voiceAttempts, '至少为 1（已设置未确认后语音呼叫）')
  }
  if ((ladder.escalate || ladder.doorKnock) && ladder.escalateAfterMinutes === null) {
    throw badField('ladder.escalateAfterMinutes', '未确认多少分钟后上报上级', '空', '不能为空（已选择上报上级或上门叫应）')
  }
  const [from, to] = ladder.nightHours
  for (const h of [from, to]) {
    if (!Number.isInteger(h) || h < 0 || h > 23) throw badField('ladder.nightHours', '夜间时段', h, '应为 0 至 23 的整点')
  }
  if (ladder.nightStartsAtVoice && from === to) throw badField('ladder.nightHours', '夜间时段', `${from}-${to}`, '开始与结束不能相同')
  return ladder
}

/** The issuing region: inside the user's jurisdiction and a real division code. */
export const checkRegionInScope = (db: Db, scope: Scope, code: string) => checkRegion(db, scope, code, '发布区划')

function parseTime(key: string, title: string, value: string): Date {
  const at = new Date(value)
  if (Number.isNaN(at.getTime())) throw badField(key, title, value, '不是有效的时间')
  return at
}

/** Column values of a draft, or the Chinese reason the input was refused. */
export type WarningValues = {
  purpose: WarningPurpose
  regionCode: string
  eventClass: string
  eventType: string
  level: WarningLevel
  headline: string
  description: string
  instruction: string
  areaDesc: string
  senderName: string
  onset: Date
  expires: Date | null
  target: WarningTarget
  channels: Channel[]
  ladder: LadderPolicy
}

/**
 * Checks a warning as drafted. The schema checks shapes for HTTP callers; these checks repeat the
 * ones that matter for callers inside the server (CAP import) and add those that need the database.
 */
export async function checkWarningInput(db: Db, scope: Scope, input: WarningInput): Promise<WarningValues> {
  const purpose = input.purpose ?? 'warning'
  if (!(purpose in WARNING_PURPOSES)) throw badField('purpose', '用途', purpose, '不是允许的取值')
  if (!isWarningLevel(input.level)) throw badField('level', '预警级别', input.level, '应为 1（红色）至 4（蓝色）')
  if (!(input.eventClass in EVENT_CLASSES)) throw badField('eventClass', '事件类别', input.eventClass, '不是允许的取值（自然灾害、事故灾难、公共卫生事件、社会安全事件）')
  await checkRegionInScope(db, scope, input.regionCode)
  const onset = parseTime('onset', '起始时间', input.onset)
  const expires = input.expires == null ? null : parseTime('expires', '失效时间', input.expires)
  if (expires && expires <= onset) throw badField('expires', '失效时间', input.expires, '必须晚于起始时间')
  return {
    purpose: purpose as WarningPurpose,
    regionCode: input.regionCode,
    eventClass: input.eventClass,
    eventType: requiredText('eventType', '事件类型', input.eventType),
    level: input.level,
    headline: requiredText('headline', '标题', input.headline),
    description: requiredText('description', '警示事项', input.description),
    instruction: requiredText('instruction', '应当采取的措施', input.instruction),
    areaDesc: requiredText('areaDesc', '可能影响的范围', input.areaDesc),
    senderName: requiredText('senderName', '发布单位', input.senderName),
    onset,
    expires,
    target: await checkTarget(db, scope, input.regionCode, input.target),
    channels: checkChannels(input.channels),
    ladder: checkLadder(input.ladder ?? DEFAULT_LADDERS[input.level]),
  }
}

export function checkNotEmpty(target: WarningTarget): void {
  if (isEmptyTarget(target)) throw emptyTargetError()
}

/**
 * A polygon or circle reaches villages by their position; a village with only a sketch (示意)
 * position may be drawn in or left out wrongly. Submitting such a target needs the drafter's
 * explicit acknowledgement; the count goes into the step's record.
 */
export async function checkSketchAcknowledged(
  db: Kysely<Database>, regionCode: string, target: WarningTarget, acknowledged: boolean | undefined,
): Promise<{ sketchVillages?: number }> {
  const { sketchVillages } = await countSketchVillages(db, { regionCode, target })
  if (sketchVillages === 0) return {}
  if (!acknowledged) {
    throw new AppError('SKETCH_POSITIONS_UNCONFIRMED', 400,
      `目标范围内有 ${sketchVillages} 个村（社区）只有示意位置，可能不准确：请确认知悉后再提交（acknowledgeSketchPositions）`,
      [{ field: 'acknowledgeSketchPositions', value: sketchVillages }])
  }
  return { sketchVillages }
}

/** The stored target, whatever older rows or imports left out. */
export function storedTarget(value: unknown): WarningTarget {
  return normaliseTarget((value ?? {}) as WarningTargetInput)
}
