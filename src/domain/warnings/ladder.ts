import type { Channel } from './delivery.js'
import type { WarningLevel } from './levels.js'

/**
 * The 叫应 ladder: how hard the system tries before a person counts as silent. Defaults follow
 * practice (standards.md §1: 勉县 voice call within 3 min, redial 3 times within 5 min, then the
 * superior and a door knock); every number can be changed per level and per warning.
 */
export type LadderPolicy = {
  /** First wave, sent at once: in-app, SMS, e-mail, group robots. */
  wave1: Channel[]
  /** Minutes without confirmation before the first voice call; null: no voice calls. */
  voiceAfterMinutes: number | null
  /** Voice calls in all (the first and its redials). */
  voiceAttempts: number
  /** The redials are spread over this many minutes after the first call. */
  voiceWindowMinutes: number
  /** Minutes after the last voice call (or after wave 1 when there is no voice) before escalating. */
  escalateAfterMinutes: number | null
  /** Escalate to the same roles one level up (village → township → county). */
  escalate: boolean
  /** Create a door-knock task (上门叫应) for the silent person's township. */
  doorKnock: boolean
  /** During night hours start with the voice call: SMS wakes nobody. */
  nightStartsAtVoice: boolean
  /** Night hours in China time, [from, to), e.g. [22, 6]. */
  nightHours: [number, number]
}

export const DEFAULT_LADDERS: Record<WarningLevel, LadderPolicy> = {
  1: { wave1: ['inapp', 'sms', 'wecom', 'dingtalk'], voiceAfterMinutes: 3, voiceAttempts: 3, voiceWindowMinutes: 5, escalateAfterMinutes: 2, escalate: true, doorKnock: true, nightStartsAtVoice: true, nightHours: [22, 6] },
  2: { wave1: ['inapp', 'sms', 'wecom', 'dingtalk'], voiceAfterMinutes: 5, voiceAttempts: 3, voiceWindowMinutes: 5, escalateAfterMinutes: 5, escalate: true, doorKnock: true, nightStartsAtVoice: true, nightHours: [22, 6] },
  3: { wave1: ['inapp', 'sms', 'wecom', 'dingtalk'], voiceAfterMinutes: 15, voiceAttempts: 2, voiceWindowMinutes: 5, escalateAfterMinutes: 15, escalate: true, doorKnock: false, nightStartsAtVoice: false, nightHours: [22, 6] },
  4: { wave1: ['inapp', 'sms', 'wecom', 'dingtalk'], voiceAfterMinutes: null, voiceAttempts: 0, voiceWindowMinutes: 5, escalateAfterMinutes: null, escalate: false, doorKnock: false, nightStartsAtVoice: false, nightHours: [22, 6] },
}
