/**
 * A form's values as the server wants them: text trimmed, '' as null (the server reads absent and
 * null as “none”), lists of text without blanks. Numbers, booleans and ids pass unchanged.
 */
export function cleanInput<T>(values: T): T {
  if (typeof values === 'string') return (values.trim() === '' ? null : values.trim()) as T
  if (Array.isArray(values)) {
    return values.map((v) => (typeof v === 'string' ? v.trim() : v)).filter((v) => v !== '' && v !== null && v !== undefined) as T
  }
  if (values && typeof values === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(values)) out[k] = v === undefined ? null : cleanInput(v)
    return out as T
  }
  return values
}
