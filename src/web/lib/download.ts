import { reportError, toApiError } from './http.js'

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined
  } catch {
    return undefined
  }
}

/**
 * Saves a workbook the server streams (export, template). Fetched rather than linked, so that a
 * refusal (no permission, region outside the jurisdiction) shows its Chinese message instead of
 * a browser error page.
 */
export async function downloadWorkbook(url: string, fallbackName: string): Promise<void> {
  let res: Response
  try {
    res = await fetch(url, { credentials: 'same-origin' })
  } catch {
    const e = toApiError(0, { code: 'NETWORK', message: '无法连接服务器，请检查网络后重试' })
    reportError(e)
    throw e
  }
  if (!res.ok) {
    const e = toApiError(res.status, parseJson(await res.text()))
    reportError(e)
    throw e
  }
  const blob = await res.blob()
  const href = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = href
  a.download = fileNameOf(res.headers.get('content-disposition')) ?? fallbackName
  document.body.appendChild(a)
  a.click()
  a.remove()
  // Some browsers read the blob after click returns; release it a little later.
  setTimeout(() => URL.revokeObjectURL(href), 10_000)
}

/** The name in `attachment; filename="a.xlsx"; filename*=UTF-8''%E9%99%84…`, the UTF-8 one first. */
export function fileNameOf(disposition: string | null): string | null {
  if (!disposition) return null
  const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(disposition)
  if (star) {
    try {
      return decodeURIComponent(star[1].trim())
    } catch {
      // fall through to the plain name
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(disposition)
  return plain ? plain[1].trim() : null
}
