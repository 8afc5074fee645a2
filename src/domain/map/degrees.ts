/**
 * A longitude or latitude as people write it in spreadsheets: 120.123, 120.123°, E120.123,
 * 东经120.123, 120°7′22.8″, 120度7分22.8秒, 120°7'22.8"E. Full-width forms are folded. West and
 * south (W, S, 西经, 南纬, a minus sign) are negative. Null when the text is not a number of
 * degrees (a decimal comma, minutes of 60 or more, stray words).
 */
export function parseDegrees(text: string): number | null {
  let t = text.normalize('NFKC').trim().replace(/[−–—]/g, '-')
  let sign = 1
  const hemisphere = /^(东经|北纬|西经|南纬|[ENWS])\s*|\s*([ENWS])$/i
  for (let i = 0; i < 2; i++) {
    const m = hemisphere.exec(t)
    if (!m) break
    const word = (m[1] ?? m[2]).toUpperCase()
    if (word === 'W' || word === 'S' || word === '西经' || word === '南纬') sign = -sign
    t = t.slice(0, m.index) + t.slice(m.index + m[0].length)
  }
  t = t.trim()
  if (t.startsWith('-')) {
    sign = -sign
    t = t.slice(1).trim()
  }
  if (t === '' || !/^[\d.\s°度′'分″"秒]+$/.test(t)) return null
  const parts = t.split(/[\s°度′'分″"秒]+/).filter(Boolean)
  if (parts.length === 0 || parts.length > 3 || !parts.every((p) => /^\d+(\.\d+)?$/.test(p))) return null
  const [d, m = 0, s = 0] = parts.map(Number)
  if (parts.length > 1 && (!Number.isInteger(d) || m >= 60 || s >= 60)) return null
  if (parts.length > 2 && !Number.isInteger(m)) return null
  return sign * (d + m / 60 + s / 3600)
}
