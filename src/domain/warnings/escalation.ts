import { REGION_LEVELS, type RegionLevel } from '../regions/code.js'

/** How the timeline names a level of people: 村级 37 人. */
export const LEVEL_PEOPLE: Record<RegionLevel, string> = {
  province: '省级',
  city: '市级',
  county: '区县级',
  township: '乡镇级',
  village: '村级',
}

/** Where the ladder takes a level's silent people: their superiors one level up. */
const LEVEL_UP: Record<RegionLevel, string> = {
  province: '省级',
  city: '省级',
  county: '市级',
  township: '区县',
  village: '乡镇',
}

export type EscalationGroup = {
  /** The silent people's level (village, township …). */
  level: string
  /** escalated: called and still silent; unreachable: nothing ever got through to them. */
  state: 'escalated' | 'unreachable'
  count: number
  /** Superiors told (one notice each per round), 0 when nobody above could be found. */
  superiors: number
  /** Door-knock tasks this round opened for them (one per village, per region for its own staff). */
  doorKnocks: number
}

/**
 * One timeline line per level and round, however many are silent:
 * “村级 37 人多次呼叫未确认，已升级至乡镇（通知 12 人），生成上门叫应任务 20 个”.
 */
export function escalationStepText(g: EscalationGroup): string {
  const level = g.level as RegionLevel
  const who = `${LEVEL_PEOPLE[level] ?? ''} ${g.count} 人`.trimStart()
  const why = g.state === 'unreachable' ? '无法联系上（没有可用的号码或账号，或发送均失败）' : '多次呼叫未确认'
  const parts = [`${who}${why}`]
  if (g.superiors > 0) parts.push(`已升级至${LEVEL_UP[level] ?? '上级'}（通知 ${g.superiors} 人）`)
  else if (REGION_LEVELS.includes(level)) parts.push('无上级可升级')
  if (g.doorKnocks > 0) parts.push(`生成上门叫应任务 ${g.doorKnocks} 个`)
  return parts.join('，')
}
