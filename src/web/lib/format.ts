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
