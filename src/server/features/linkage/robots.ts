import { AppError } from '../../errors.js'

// Query parameters that carry a robot's credential: 企业微信 `key`, 钉钉 `access_token`.
const SECRET_PARAMS = ['key', 'access_token']

function maskValue(value: string): string {
  return value.length > 12 ? `${value.slice(0, 4)}****${value.slice(-4)}` : '****'
}

/**
 * A robot webhook as shown to readers: whoever holds the whole URL can post into the group's
 * chat, so its credential is masked like a phone number.
 */
export function maskWebhook(url: string | null): string | null {
  if (url === null) return null
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return '****'
  }
  const shown = new URLSearchParams()
  for (const [k, v] of parsed.searchParams) shown.append(k, SECRET_PARAMS.includes(k) ? maskValue(v) : v)
  const query = shown.toString().replaceAll('%2A', '*')
  return `${parsed.origin}${parsed.pathname}${query ? `?${query}` : ''}`
}

/**
 * A webhook from a form: blank clears it, the masked form of the stored URL keeps it, anything
 * else must be an http(s) URL (plain http for robots on the local network and for test peers).
 */
export function webhookField(key: string, title: string, input: string | null | undefined, stored: string | null): string | null {
  const t = input?.trim() ?? ''
  if (t === '') return null
  if (stored !== null && t === maskWebhook(stored)) return stored
  let parsed: URL | null = null
  try {
    parsed = new URL(t)
  } catch {
    parsed = null
  }
  if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
    throw new AppError('INVALID_FIELD', 400, `“${title}”的值“${t}”不是有效的网址（应以 https:// 开头，从群机器人设置中复制）`, [{ field: key, value: t }])
  }
  return t
}

/** The 钉钉 signing secret is never shown: left out keeps it, blank clears it. */
export function secretField(input: string | null | undefined, stored: string | null): string | null {
  if (input === undefined) return stored
  const t = input?.trim() ?? ''
  return t === '' ? null : t
}
