/**
 * Calendar days as the people using the system count them: China Standard Time, whatever the
 * server's or the database's clock zone. Days are 'YYYY-MM-DD' strings, never instants.
 */
export function chinaToday(now: Date | number = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' })
    .format(typeof now === 'number' ? new Date(now) : now)
}

/** The day `n` days after `day` (negative: before). */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10)
}
