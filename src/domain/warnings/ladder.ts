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

/*
 * Planning. A recipient's `step` says how far the ladder went: 0 after wave 1, k after the k-th
 * voice call (1..voiceAttempts), voiceAttempts + 1 once escalated. `next_at` is when to look at
 * them again; these functions decide both, so the database code only applies the plan.
 */

/** Deliveries of the cancellation / all-clear notice: they go out after the warning closed. */
export const NOTICE_STEP = -1

/**
 * Deliveries telling a superior that someone below them stays silent (上级叫应), when the
 * superior already has the warning. Like every negative step they are not part of the
 * superior's own ladder: their own confirmation does not cancel them.
 */
export const ESCALATION_NOTICE_STEP = -2

/** A digest of escalation notices the per-phone limit held back (NOTICE_LIMIT), across warnings. */
export const DIGEST_STEP = -3

/** What a delivery of a negative step is, as the board and the person's history show it. */
export const NOTICE_STEP_LABELS: Record<number, string> = {
  [NOTICE_STEP]: '撤销/解除通知',
  [ESCALATION_NOTICE_STEP]: '叫应升级通知',
  [DIGEST_STEP]: '叫应升级汇总',
}

/**
 * The people of one warning escalated within this many minutes of each other form one round:
 * each superior gets one notice per round, however many are silent below them.
 */
export const ROUND_MERGE_MINUTES = 1

/**
 * Per phone, across all warnings: at most `perWindow` escalation notices by SMS within
 * `windowMinutes`; beyond that they merge into one digest, sent `digestAfterMinutes` after the
 * first one held back (later ones join it). A warning's own messages (wave 1, voice calls) never
 * count towards the limit and are never held: only the notices about other people's silence are.
 */
export const NOTICE_LIMIT = { perWindow: 3, windowMinutes: 60, digestAfterMinutes: 15 } as const

/** What the ladder may do for one warning. */
export type LadderContext = {
  /** Drills (通联演练) test reachability only: no escalation, no door knock. */
  drill: boolean
}

/** What one recipient can receive. */
export type Reach = {
  /** Has a mobile number, so the voice steps apply. */
  canVoice: boolean
  /** Wave 1 reached them on at least one channel, or a voice call can. */
  reachable: boolean
}

export type Wave1Plan =
  | { state: 'pending'; step: number; voiceNow: boolean; nextAt: Date | null }
  | { state: 'unreachable'; step: 0; voiceNow: false; nextAt: null }

export type DueAction =
  | { kind: 'voice'; attempt: number; step: number; nextAt: Date | null }
  | { kind: 'escalate'; step: number }
  | { kind: 'stop'; step: number }

const MINUTE = 60_000
const CHINA_OFFSET_HOURS = 8

export function voiceEnabled(p: LadderPolicy): boolean {
  return p.voiceAfterMinutes !== null && p.voiceAttempts > 0
}

export function escalationEnabled(p: LadderPolicy, ctx: LadderContext): boolean {
  return !ctx.drill && p.escalateAfterMinutes !== null && (p.escalate || p.doorKnock)
}

/** Night hours are China time (UTC+8, no daylight saving), whatever the server's zone. */
export function isNight(p: LadderPolicy, at: Date): boolean {
  const [from, to] = p.nightHours
  const hour = (at.getUTCHours() + CHINA_OFFSET_HOURS) % 24
  if (from === to) return false
  return from < to ? hour >= from && hour < to : hour >= from || hour < to
}

/** Minutes between two voice calls: the redials spread evenly over the window. */
export function voiceGapMinutes(p: LadderPolicy): number {
  return p.voiceAttempts > 1 ? p.voiceWindowMinutes / (p.voiceAttempts - 1) : 0
}

const plus = (at: Date, minutes: number) => new Date(at.getTime() + minutes * MINUTE)

/** When to look again after `step` was carried out at `at`; null: wait for the confirmation only. */
export function nextLookAt(p: LadderPolicy, step: number, at: Date, ctx: LadderContext, reach: Pick<Reach, 'canVoice'>): Date | null {
  const escalates = escalationEnabled(p, ctx)
  if (step === 0) {
    // Someone without a mobile is escalated when their voice call would have come.
    if (voiceEnabled(p)) return reach.canVoice || escalates ? plus(at, p.voiceAfterMinutes!) : null
    return escalates ? plus(at, p.escalateAfterMinutes!) : null
  }
  if (step < p.voiceAttempts) return plus(at, voiceGapMinutes(p))
  return escalates ? plus(at, p.escalateAfterMinutes!) : null
}

/**
 * Wave 1 for one person at `at`: it starts with the first voice call when the policy puts voice
 * in wave 1, or at night when the policy says so.
 */
export function planWave1(p: LadderPolicy, at: Date, ctx: LadderContext, reach: Reach): Wave1Plan {
  if (!reach.reachable) {
    // Nobody to send to: go straight to the superior (and the door) if the ladder allows.
    if (!escalationEnabled(p, ctx)) return { state: 'unreachable', step: 0, voiceNow: false, nextAt: null }
    return { state: 'pending', step: Math.max(p.voiceAttempts, 0), voiceNow: false, nextAt: at }
  }
  const startsAtVoice = p.wave1.includes('voice') || (p.nightStartsAtVoice && isNight(p, at))
  if (startsAtVoice && voiceEnabled(p) && reach.canVoice) {
    return { state: 'pending', step: 1, voiceNow: true, nextAt: nextLookAt(p, 1, at, ctx, reach) }
  }
  return { state: 'pending', step: 0, voiceNow: false, nextAt: nextLookAt(p, 0, at, ctx, reach) }
}

/** A silent recipient whose next_at has come, at `step`: what to do now. */
export function planDue(p: LadderPolicy, step: number, at: Date, ctx: LadderContext, reach: Pick<Reach, 'canVoice'>): DueAction {
  const voiceLeft = voiceEnabled(p) && reach.canVoice && step < p.voiceAttempts
  if (voiceLeft) {
    const attempt = step + 1
    return { kind: 'voice', attempt, step: attempt, nextAt: nextLookAt(p, attempt, at, ctx, reach) }
  }
  if (escalationEnabled(p, ctx)) return { kind: 'escalate', step: Math.max(p.voiceAttempts, 0) + 1 }
  return { kind: 'stop', step }
}

/** The policy stored on a warning, with defaults for anything missing (older rows, imports). */
export function ladderOf(stored: unknown, level: WarningLevel): LadderPolicy {
  const base = DEFAULT_LADDERS[level]
  if (!stored || typeof stored !== 'object') return base
  return { ...base, ...(stored as Partial<LadderPolicy>) }
}
