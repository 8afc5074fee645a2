export type Change = { field: string; before: unknown; after: unknown; changed: boolean }

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Field-by-field rows of a before/after pair; unchanged fields stay for context, changed ones are marked. */
export function changesOf(before: unknown, after: unknown): Change[] {
  const b = isRecord(before) ? before : before === null || before === undefined ? {} : { 值: before }
  const a = isRecord(after) ? after : after === null || after === undefined ? {} : { 值: after }
  const fields = [...new Set([...Object.keys(b), ...Object.keys(a)])]
  return fields.map((field) => ({
    field,
    before: b[field],
    after: a[field],
    changed: JSON.stringify(b[field]) !== JSON.stringify(a[field]),
  }))
}
