import dayjs, { type Dayjs } from 'dayjs'
import { CHANNEL_KEYS, type Channel } from '../../../domain/warnings/delivery.js'
import type { LadderPolicy } from '../../../domain/warnings/ladder.js'
import { EVENT_CLASS_KEYS, isWarningLevel, WARNING_LEVELS, type EventClass, type WarningLevel } from '../../../domain/warnings/levels.js'
import type { Warning, WarningInput } from './api.js'
import type { Shapes } from './geo.js'
import { targetInput } from './target-input.js'

/** The editor's form: the target split into its widgets, times as dayjs. */
export type Values = {
  regionCode: string
  eventClass: EventClass
  eventType: string
  level?: WarningLevel
  headline: string
  description: string
  instruction: string
  areaDesc: string
  senderName: string
  onset: Dayjs
  expires: Dayjs | null
  regions: string[]
  roles: string[]
  groupIds: number[]
  shapes: Shapes
  channels: Channel[]
  ladder?: LadderPolicy
}

/** Voice is listed so the ladder may call; e-mail needs addresses few people have registered. */
const DEFAULT_CHANNELS: Channel[] = ['inapp', 'sms', 'voice', 'wecom', 'dingtalk']

// The server's reply types these as plain strings and numbers; the form wants the enums back.
const isEventClass = (v: string): v is EventClass => (EVENT_CLASS_KEYS as string[]).includes(v)
const isChannel = (v: string): v is Channel => (CHANNEL_KEYS as string[]).includes(v)

export function toValues(w: Warning): Values {
  return {
    regionCode: w.regionCode,
    eventClass: isEventClass(w.eventClass) ? w.eventClass : 'natural',
    eventType: w.eventType,
    level: isWarningLevel(w.level) ? w.level : undefined,
    headline: w.headline,
    description: w.description,
    instruction: w.instruction,
    areaDesc: w.areaDesc,
    senderName: w.senderName,
    onset: dayjs(w.onset),
    expires: w.expires ? dayjs(w.expires) : null,
    regions: w.target.regions,
    roles: w.target.roles,
    groupIds: w.target.groupIds,
    shapes: { circles: w.target.circles, polygons: w.target.polygons },
    channels: w.channels.filter(isChannel),
    ladder: w.ladder,
  }
}

export function toTarget(v: Partial<Pick<Values, 'regions' | 'roles' | 'groupIds' | 'shapes'>>): WarningInput['target'] {
  return targetInput({ ...v, polygons: v.shapes?.polygons, circles: v.shapes?.circles })
}

export function toInput(v: Values): WarningInput {
  return {
    regionCode: v.regionCode,
    eventClass: v.eventClass,
    eventType: v.eventType.trim(),
    level: v.level!,
    headline: v.headline.trim(),
    description: v.description.trim(),
    instruction: v.instruction.trim(),
    areaDesc: v.areaDesc.trim(),
    senderName: v.senderName.trim(),
    onset: v.onset.toISOString(),
    expires: v.expires ? v.expires.toISOString() : null,
    target: toTarget(v),
    channels: v.channels,
    ladder: v.ladder,
  }
}

/** 吴兴区应急管理局发布暴雨橙色预警: the usual wording, kept until the officer types their own. */
export function autoHeadline(sender?: string, type?: string, level?: WarningLevel): string {
  if (!sender || !type || !level) return ''
  return `${sender}发布${type}${WARNING_LEVELS[level].short}预警`
}

/** A new warning of the user's own region, sent by its emergency bureau, starting now. */
export function newValues(me: { regionCode: string; regionName: string }, now = dayjs()): Values {
  return {
    regionCode: me.regionCode,
    eventClass: 'natural',
    eventType: '',
    headline: '',
    description: '',
    instruction: '',
    areaDesc: '',
    senderName: `${me.regionName}应急管理局`,
    onset: now,
    expires: now.add(24, 'hour'),
    regions: [],
    roles: [],
    groupIds: [],
    shapes: { circles: [], polygons: [] },
    channels: DEFAULT_CHANNELS,
  }
}
