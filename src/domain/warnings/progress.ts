/**
 * Share of recipients who confirmed, in percent with one decimal: 3 of 367 is 0.8, not 0. Never
 * 0 once someone confirmed, never 100 before everyone has.
 */
export function confirmedPercent(part: number, whole: number): number {
  if (whole <= 0 || part <= 0) return 0
  if (part >= whole) return 100
  const p = Math.floor((part / whole) * 1000) / 10
  return Math.min(Math.max(p, 0.1), 99.9)
}
