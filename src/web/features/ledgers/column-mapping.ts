import type { Annex, ImportDetail, MappingBody } from './api.js'

/**
 * The rules of the column-mapping step, apart from its view: which choices a column offers,
 * what the user's choices send, and what keeps the step from being sent.
 */

/** The value of the choice "不导入" (a Select cannot hold null). */
export const IGNORED = '__none__'

export type SheetColumn = NonNullable<NonNullable<ImportDetail['meta']>['sheetColumns']>[number]
export type Target = Annex['targets'][number]

/** "A" for 0, "AB" for 27: how Excel names a sheet column. */
export function columnLetter(index: number): string {
  let n = index + 1
  let out = ''
  while (n > 0) {
    const r = (n - 1) % 26
    out = String.fromCharCode(65 + r) + out
    n = Math.floor((n - 1) / 26)
  }
  return out
}

/** What a column may be mapped to: not read, the annex's own columns, then what the import reads besides. */
export function targetOptions(targets: readonly Target[]) {
  const option = (t: Target) => ({
    value: t.key,
    label: `${t.label}${t.required ? '（必填）' : ''}${t.places ? '（说明区划）' : ''}`,
  })
  const groups = [
    { label: '本台账的列', options: targets.filter((t) => !t.extra).map(option) },
    { label: '导入时另可读取', options: targets.filter((t) => t.extra).map(option) },
  ].filter((g) => g.options.length > 0)
  return [{ value: IGNORED, label: '不导入此列' }, ...groups]
}

/** Where the rows go: by a column, or all to one region the user chose. */
export type Placement = { kind: 'column' } | { kind: 'all'; regionCode: string | undefined } | null

export type Choices = { keys: Record<number, string>; placement: Placement; remember: boolean }

/** The choices as the import stands: its columns as read, and the region chosen for all rows, if any. */
export function initialChoices(imp: ImportDetail, targets: readonly Target[]): Choices {
  const keys: Record<number, string> = {}
  for (const c of imp.meta?.sheetColumns ?? []) keys[c.index] = c.key ?? IGNORED
  const placed = imp.mapping?.placement?.regionCode
  const byColumn = (imp.meta?.sheetColumns ?? []).some((c) => c.key !== null && targets.some((t) => t.key === c.key && t.places))
  return { keys, placement: placed ? { kind: 'all', regionCode: placed } : byColumn ? { kind: 'column' } : null, remember: true }
}

/** Why the choices cannot be sent yet, in Chinese; empty when they can. */
export function problemsOf(choices: Choices, columns: readonly SheetColumn[], targets: readonly Target[]): string[] {
  const out: string[] = []
  const label = (key: string) => targets.find((t) => t.key === key)?.label ?? key
  const byKey = new Map<string, string[]>()
  for (const c of columns) {
    const key = choices.keys[c.index] ?? IGNORED
    if (key !== IGNORED) byKey.set(key, [...(byKey.get(key) ?? []), c.label])
  }
  for (const [key, labels] of byKey) if (labels.length > 1) out.push(`“${labels.join('”“')}”都对应了“${label(key)}”，每项内容只能对应一列`)
  const placed = [...byKey.keys()].some((k) => targets.some((t) => t.key === k && t.places))
  const placing = targets.some((t) => t.places)
  if (placing && choices.placement?.kind === 'column' && !placed) out.push('请为说明区划的列（如“乡镇（街道）”“村（社区）”）选择对应，或选择“全部行都属于”某一区划')
  if (placing && choices.placement === null) out.push('请选择每行属于哪个区划：由表格中的某一列说明，或全部行都属于同一区划')
  if (choices.placement?.kind === 'all' && !choices.placement.regionCode) out.push('请选择全部行所属的区划')
  for (const t of targets) {
    if (t.required && !byKey.has(t.key) && !(t.places && (placed || choices.placement?.kind === 'all'))) out.push(`请为必填的“${t.label}”选择表格中的列`)
  }
  return out
}

/** What the server is sent: every column's choice, the region for all rows, and whether to remember. */
export function mappingBody(choices: Choices, columns: readonly SheetColumn[]): MappingBody {
  return {
    columns: columns.map((c) => ({ index: c.index, key: (choices.keys[c.index] ?? IGNORED) === IGNORED ? null : choices.keys[c.index] })),
    placement: choices.placement?.kind === 'all' && choices.placement.regionCode ? { regionCode: choices.placement.regionCode } : null,
    remember: choices.remember,
  }
}
