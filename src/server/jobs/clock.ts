/**
 * Where time comes from for the ladder and the job queue. Tests pass a fake clock and step it,
 * so "no confirmation in 5 minutes" takes no 5 minutes.
 */
export type Clock = { now(): Date }

export const systemClock: Clock = { now: () => new Date() }

/** A clock that only moves when told to. */
export function fakeClock(start: Date | string = '2026-07-20T02:00:00Z'): Clock & { advance(ms: number): Date; set(at: Date | string): void } {
  let t = new Date(start).getTime()
  return {
    now: () => new Date(t),
    advance: (ms) => new Date((t += ms)),
    set: (at) => { t = new Date(at).getTime() },
  }
}
