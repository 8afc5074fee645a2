import { describe, expect, it } from 'vitest'
import { fakeClock } from '../../server/jobs/clock.js'
import { DEFAULT_LADDERS, isNight, ladderOf, planDue, planWave1, type LadderPolicy } from './ladder.js'

const orange = DEFAULT_LADDERS[2]
const warning = { drill: false }
const phone = { canVoice: true, reachable: true }
const MIN = 60_000

/** Follows one silent person through the ladder, stepping the clock to each next_at. */
function walk(policy: LadderPolicy, start: string, ctx = warning, reach = phone) {
  const clock = fakeClock(start)
  const t0 = clock.now().getTime()
  const wave = planWave1(policy, clock.now(), ctx, reach)
  const events: Array<{ kind: string; minute: number; attempt?: number }> = []
  if (wave.voiceNow) events.push({ kind: 'voice', minute: 0, attempt: 1 })
  let step = wave.step
  let next = wave.nextAt
  while (next) {
    clock.set(next)
    const action = planDue(policy, step, clock.now(), ctx, reach)
    const minute = (clock.now().getTime() - t0) / MIN
    if (action.kind === 'voice') {
      events.push({ kind: 'voice', minute, attempt: action.attempt })
      step = action.step
      next = action.nextAt
    } else {
      events.push({ kind: action.kind, minute })
      next = null
    }
  }
  return { wave, events }
}

describe('the 叫应 ladder plan', () => {
  it('calls three times within five minutes, then escalates (orange, daytime)', () => {
    // 10:00 China time.
    const { wave, events } = walk(orange, '2026-07-20T02:00:00Z')
    expect(wave).toMatchObject({ state: 'pending', step: 0, voiceNow: false })
    expect(events).toEqual([
      { kind: 'voice', minute: 5, attempt: 1 },
      { kind: 'voice', minute: 7.5, attempt: 2 },
      { kind: 'voice', minute: 10, attempt: 3 },
      { kind: 'escalate', minute: 15 },
    ])
    const voice = events.filter((e) => e.kind === 'voice')
    expect(voice.at(-1)!.minute - voice[0].minute).toBeLessThanOrEqual(5)
  })

  it('starts at the voice call at night (23:30 China time)', () => {
    const { wave, events } = walk(orange, '2026-07-20T15:30:00Z')
    expect(wave).toMatchObject({ step: 1, voiceNow: true })
    expect(events.map((e) => [e.kind, e.minute])).toEqual([['voice', 0], ['voice', 2.5], ['voice', 5], ['escalate', 10]])
  })

  it('calls at once by day too when the policy puts voice in wave 1', () => {
    const { wave, events } = walk({ ...orange, wave1: ['sms', 'voice'] }, '2026-07-20T02:00:00Z')
    expect(wave.voiceNow).toBe(true)
    expect(events.map((e) => e.minute)).toEqual([0, 2.5, 5, 10])
  })

  it('reads night hours in China time across midnight', () => {
    expect(isNight(orange, new Date('2026-07-20T14:00:00Z'))).toBe(true) // 22:00
    expect(isNight(orange, new Date('2026-07-20T21:59:00Z'))).toBe(true) // 05:59
    expect(isNight(orange, new Date('2026-07-20T22:00:00Z'))).toBe(false) // 06:00
    expect(isNight(orange, new Date('2026-07-20T13:59:00Z'))).toBe(false) // 21:59
    expect(isNight({ ...orange, nightHours: [1, 5] }, new Date('2026-07-20T18:00:00Z'))).toBe(true) // 02:00
  })

  it('does not start at voice at night when the level says not to (yellow)', () => {
    const { wave, events } = walk(DEFAULT_LADDERS[3], '2026-07-20T15:30:00Z')
    expect(wave.voiceNow).toBe(false)
    expect(events.map((e) => [e.kind, e.minute])).toEqual([['voice', 15], ['voice', 20], ['escalate', 35]])
  })

  it('only waits for the confirmation on blue', () => {
    const { wave, events } = walk(DEFAULT_LADDERS[4], '2026-07-20T02:00:00Z')
    expect(wave.nextAt).toBeNull()
    expect(events).toEqual([])
  })

  it('calls in a drill but never escalates', () => {
    const { events } = walk(orange, '2026-07-20T02:00:00Z', { drill: true })
    expect(events.map((e) => e.kind)).toEqual(['voice', 'voice', 'voice'])
  })

  it('escalates someone without a mobile when their call would have come', () => {
    const { events } = walk(orange, '2026-07-20T02:00:00Z', warning, { canVoice: false, reachable: true })
    expect(events).toEqual([{ kind: 'escalate', minute: 5 }])
  })

  it('escalates someone reachable on no channel at once, or marks them unreachable', () => {
    const none = { canVoice: false, reachable: false }
    expect(walk(orange, '2026-07-20T02:00:00Z', warning, none).events).toEqual([{ kind: 'escalate', minute: 0 }])
    expect(walk(orange, '2026-07-20T02:00:00Z', { drill: true }, none).wave.state).toBe('unreachable')
    expect(walk(DEFAULT_LADDERS[4], '2026-07-20T02:00:00Z', warning, none).wave.state).toBe('unreachable')
  })

  it('escalates after wave 1 when the policy has no voice calls', () => {
    const noVoice = { ...orange, voiceAfterMinutes: null, voiceAttempts: 0 }
    expect(walk(noVoice, '2026-07-20T02:00:00Z').events).toEqual([{ kind: 'escalate', minute: 5 }])
  })

  it('fills a stored policy from the level defaults', () => {
    expect(ladderOf({ voiceAttempts: 2 }, 1)).toEqual({ ...DEFAULT_LADDERS[1], voiceAttempts: 2 })
    expect(ladderOf(null, 3)).toEqual(DEFAULT_LADDERS[3])
  })
})
