import dayjs from 'dayjs'

/** 2024-05-01 14:03 — minutes are enough for records people edit. */
export function formatTime(value: string | Date | null | undefined): string {
  return value ? dayjs(value).format('YYYY-MM-DD HH:mm') : '—'
}

/** 2024-05-01 14:03:27 — the audit log needs seconds. */
export function formatSeconds(value: string | Date | null | undefined): string {
  return value ? dayjs(value).format('YYYY-MM-DD HH:mm:ss') : '—'
}

/** Shown in empty table cells so a blank is visibly “not recorded”. */
export const BLANK = '—'

export function orBlank(value: string | number | null | undefined): string {
  return value === null || value === undefined || value === '' ? BLANK : String(value)
}

/**
 * The tel: link of a revealed number: digits only, so a phone dials it as is; an extension
 * (0572-2100001-12) follows a pause, which phones dial after the call connects.
 */
export function telHref(phone: string): string {
  const landline = /^(0\d{2,3})-(\d{7,8})-(\d{1,6})$/.exec(phone.trim())
  if (landline) return `tel:${landline[1]}${landline[2]},${landline[3]}`
  return `tel:${phone.replace(/[^\d+]/g, '')}`
}
