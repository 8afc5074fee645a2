import { PARAM_EVENT_CLASS, eventClassOfType, type CapCategory } from '../../../../domain/warnings/cap.js'
import type { Channel } from '../../../../domain/warnings/delivery.js'
import { DEFAULT_LADDERS, voiceEnabled, type LadderPolicy } from '../../../../domain/warnings/ladder.js'
import { EVENT_CLASSES, WARNING_LEVEL_KEYS, WARNING_LEVELS, type EventClass, type WarningLevel } from '../../../../domain/warnings/levels.js'
import type { WarningTarget } from '../../../../domain/warnings/target.js'
import { AppError } from '../../../errors.js'
import { shown, type CapInfo, type CapMessage } from './parse.js'

/**
 * A checked CAP message (parse.ts) as the fields of a draft warning: level, class and type,
 * texts, times and the target's codes and shapes. Which regions the user may target is decided
 * with the database (import.ts).
 */

const notImportable = (message: string) => new AppError('CAP_NOT_IMPORTABLE', 400, message)

/** The fields of a draft warning taken from the message; the region is decided by the importer. */
export type CapDraft = {
  eventClass: EventClass
  eventType: string
  level: WarningLevel
  headline: string
  description: string
  instruction: string
  areaDesc: string
  senderName: string
  onset: Date
  expires: Date | null
  /** 12-digit codes from the GB/T 2260 geocodes (6- and 9-digit codes padded). */
  regions: string[]
  polygons: WarningTarget['polygons']
  circles: WarningTarget['circles']
  channels: Channel[]
  ladder: LadderPolicy
  upstream: { identifier: string; sender: string; sent: Date; msgType: string; references: string | null }
}

/**
 * Lengths the draft form accepts (features/warnings/schema.ts), so the imported draft can be
 * edited and saved; the full upstream text stays in source_xml.
 */
export const DRAFT_LIMITS = { eventType: 50, headline: 200, description: 4000, instruction: 4000, areaDesc: 1000, senderName: 100 } as const

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text)

// From the one level table: 橙色 or Orange names level 2, severity Severe means level 2.
const COLOUR_LEVELS: Array<[RegExp, WarningLevel]> = WARNING_LEVEL_KEYS.map((n) => [new RegExp(`${WARNING_LEVELS[n].short}|^${WARNING_LEVELS[n].cap}$`, 'i'), n])
const SEVERITY_LEVELS: Record<string, WarningLevel> = Object.fromEntries(WARNING_LEVEL_KEYS.map((n) => [WARNING_LEVELS[n].severity, n]))

function colourLevel(text: string | null): WarningLevel | null {
  if (!text) return null
  return COLOUR_LEVELS.find(([re]) => re.test(text.trim()))?.[1] ?? null
}

/**
 * The level: an explicit colour wins (a parameter or eventCode value, then the headline, then
 * the event), because feeds often write severity loosely; severity is the fallback.
 */
function levelOf(info: CapInfo): WarningLevel {
  const candidates = [
    ...info.parameters.map((p) => p.value), ...info.eventCodes.map((c) => c.value), info.headline, info.event,
  ]
  for (const text of candidates) {
    const level = colourLevel(text)
    if (level) return level
  }
  const bySeverity = SEVERITY_LEVELS[info.severity]
  if (bySeverity) return bySeverity
  throw notImportable(`无法确定预警级别：severity 为 ${info.severity}，parameter、eventCode、headline、event 中也没有“红色/橙色/黄色/蓝色”`)
}

/** "暴雨橙色预警信号" → "暴雨": the hazard without colour and the word 预警. */
function eventTypeOf(event: string): string {
  const bare = event.replace(/红色|橙色|黄色|蓝色/g, '').replace(/(预警信号|预警|信号)$/, '').trim()
  return bare || event
}

const CLASS_BY_CATEGORY: Record<CapCategory, EventClass> = {
  Met: 'natural', Geo: 'natural', Other: 'natural',
  // 环境污染 and fires other than 森林火灾 are 事故灾难 in the 突发事件应对法's classes.
  Env: 'accident', Fire: 'accident', Safety: 'accident', Rescue: 'accident', Transport: 'accident', Infra: 'accident', CBRNE: 'accident',
  Health: 'health', Security: 'social',
}

function eventClassOf(info: CapInfo, eventType: string): EventClass {
  const named = info.parameters.find((p) => p.valueName === PARAM_EVENT_CLASS)?.value
  const byLabel = Object.entries(EVENT_CLASSES).find(([, label]) => label === named)?.[0]
  if (byLabel) return byLabel as EventClass
  return eventClassOfType(eventType) ?? CLASS_BY_CATEGORY[info.categories[0]] ?? 'natural'
}

/** Geocodes we understand: region codes named GB/T 2260 (or 区划代码); others (SAME, FIPS…) are ignored. */
const REGION_GEOCODE = /2260|区划|行政/

function regionsOf(info: CapInfo, n: number): string[] {
  const codes: string[] = []
  info.areas.forEach((area, k) => {
    for (const g of area.geocodes) {
      if (!REGION_GEOCODE.test(g.valueName)) continue
      if (!/^(\d{6}|\d{9}|\d{12})$/.test(g.value)) {
        throw new AppError('CAP_INVALID', 400, `第 ${n} 个 info 第 ${k + 1} 个 area 的 geocode 值 "${shown(g.value)}" 不是 6、9 或 12 位的区划代码`,
          [{ field: `info[${n}].area[${k + 1}].geocode`, value: g.value }])
      }
      codes.push(g.value.padEnd(12, '0'))
    }
  })
  return [...new Set(codes)]
}

/**
 * Maps a checked message to a draft. Refuses messages that are not a warning to draft from:
 * cancels, all-clears, acks and errors (act on the existing warning instead) and exercises,
 * tests and system messages. Of several info blocks the first in Chinese is used.
 */
export function draftFromCap(cap: CapMessage): CapDraft {
  if (cap.msgType === 'Cancel') throw notImportable('这是一条撤销消息（msgType 为 Cancel），不能导入为预警草稿；请在对应的预警上执行撤销')
  if (cap.msgType === 'Ack' || cap.msgType === 'Error') throw notImportable(`这是一条 ${cap.msgType} 消息，不是预警，不能导入为预警草稿`)
  if (cap.status !== 'Actual' && cap.status !== 'Draft') {
    throw notImportable(`status 为 ${cap.status} 的消息是演练、测试或系统消息，不能导入为预警草稿`)
  }
  if (cap.infos.length === 0) throw notImportable('CAP 消息没有 info 元素，缺少事件、级别等内容，无法生成预警草稿')
  const index = Math.max(0, cap.infos.findIndex((i) => /^zh/i.test(i.language)))
  const info = cap.infos[index]
  if (info.responseTypes.includes('AllClear')) {
    throw notImportable('这是一条解除通知（responseType 为 AllClear），不能导入为预警草稿；请在对应的预警上执行解除')
  }
  const polygons = info.areas.flatMap((a) => a.polygons)
  const circles = info.areas.flatMap((a) => a.circles)
  const regions = regionsOf(info, index + 1)
  if (polygons.length > 50 || circles.length > 50 || regions.length > 500 || polygons.some((p) => p.length > 2000)) {
    throw notImportable('CAP 消息的预警范围过于复杂：最多 500 个区划、50 个多边形（每个不超过 2000 个点）和 50 个圆形区域')
  }
  const level = levelOf(info)
  const eventType = eventTypeOf(info.event)
  const senderName = info.senderName ?? cap.sender
  const ladder = DEFAULT_LADDERS[level]
  return {
    eventClass: eventClassOf(info, eventType),
    eventType: cut(eventType, DRAFT_LIMITS.eventType),
    level,
    headline: cut(info.headline ?? `${senderName}发布${eventType}${WARNING_LEVELS[level].short}预警`, DRAFT_LIMITS.headline),
    description: cut(info.description ?? '', DRAFT_LIMITS.description),
    instruction: cut(info.instruction ?? '', DRAFT_LIMITS.instruction),
    areaDesc: cut(info.areas.map((a) => a.areaDesc).filter(Boolean).join('、'), DRAFT_LIMITS.areaDesc),
    senderName: cut(senderName, DRAFT_LIMITS.senderName),
    onset: info.onset ?? info.effective ?? cap.sent,
    expires: info.expires,
    regions,
    polygons,
    circles,
    // The level's own ladder and the channels it uses, as a manual draft would start with.
    channels: [...ladder.wave1, ...(voiceEnabled(ladder) ? ['voice' as const] : [])],
    ladder,
    upstream: { identifier: cap.identifier, sender: cap.sender, sent: cap.sent, msgType: cap.msgType, references: cap.references },
  }
}
