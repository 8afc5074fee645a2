import { tableTargetFrom, type TableTarget } from './import-targets-tables.js'

/**
 * What a valid ledger row will write, stored as `data.target` of its `ledger_import_row` so the
 * commit needs nothing but the import's own rows. Persons, storage points and enterprises are
 * named, not yet ids: they may first be created by the commit.
 */

export type PersonRef = {
  regionCode: string
  name: string
  post: string | null
  mobile: string | null
  landline: string | null
  wechat: string | null
  /** Responsibility roles the ledger gives this person (head, liaison, informant); may be none. */
  roles: string[]
}

export type SupplyTarget = {
  kind: 'supply'
  regionCode: string
  importKey: string
  /** A line of the same identity kept without import key (entered by hand): the commit gives it this key. */
  adoptId?: number
  name: string
  specification: string | null
  unit: string
  quantity: number
  classCode: string
  isEquipment: boolean
  /** What a 类别 column says (物资 false, 装备 true); null when the ledger does not say. */
  equipment: boolean | null
  storagePlace: string | null
  teamId: number | null
  /** An enterprise of annex 4 (乡镇（街道）/企业 naming a company), kept as a unit. */
  holderUnit: string | null
  reserveForm: string | null
  condition: string | null
  purchasedOn: string | null
  expiresOn: string | null
  note: string | null
  keeper: PersonRef | null
  /** A second contact group of the ledger (联系人). */
  liaison: PersonRef | null
}

export type TeamTarget = {
  kind: 'team'
  regionCode: string
  importKey: string
  /** A team of the same name kept without import key (entered by hand): the commit gives it this key. */
  adoptId?: number
  name: string
  /** Null when the ledger leaves it blank: an existing team keeps its own, a new one takes `fallback`. */
  teamType: string | null
  level: string | null
  fallback: { teamType: string; level: string }
  specialities: string[]
  headcount: number | null
  address: string | null
  note: string | null
  leader: PersonRef | null
  liaison: PersonRef | null
}

export type ContactTarget = {
  kind: 'contact'
  regionCode: string
  importKey: string
  people: PersonRef[]
}

/** Annexes 2–7, then the other ledgers (import-targets-tables.ts). */
export type Target = SupplyTarget | TeamTarget | ContactTarget | TableTarget

/**
 * The part of a name that identifies it: full-width forms folded, spaces dropped, Latin letters
 * lower-cased, so “冲锋舟 ” and “冲锋舟” and “ＡＢＣ” and “abc” are one line on re-import.
 */
export function identity(text: string | null | undefined): string {
  return (text ?? '').normalize('NFKC').replace(/\s+/g, '').toLowerCase()
}

/** Person identity inside one import: region, name, and mobile when there is one. */
export function personKey(p: Pick<PersonRef, 'regionCode' | 'name' | 'mobile'>): string {
  return `${p.regionCode}|${p.name}|${p.mobile ?? ''}`
}

/**
 * Stored rows leave blank values out (a third of a row's JSON is nulls, and a city's import keeps
 * a hundred thousand of them); reading a target back puts them in again.
 */
export function withoutNulls(_key: string, value: unknown): unknown {
  return value === null ? undefined : value
}

const NO_PERSON_FIELDS = { post: null, mobile: null, landline: null, wechat: null, roles: [] as string[] }

function personFrom(p: PersonRef | undefined | null): PersonRef | null {
  return p ? { ...NO_PERSON_FIELDS, ...p } : null
}

/** A target as stored (nulls left out) back to its full shape. */
export function targetFrom(stored: Target): Target {
  const n = <T>(v: T | undefined): T | null => v ?? null
  switch (stored.kind) {
    case 'supply':
      return {
        ...stored, specification: n(stored.specification), storagePlace: n(stored.storagePlace), teamId: n(stored.teamId),
        holderUnit: n(stored.holderUnit), reserveForm: n(stored.reserveForm), condition: n(stored.condition),
        purchasedOn: n(stored.purchasedOn), expiresOn: n(stored.expiresOn), note: n(stored.note), keeper: personFrom(stored.keeper),
        equipment: n(stored.equipment), liaison: personFrom(stored.liaison),
      }
    case 'team':
      return {
        ...stored, teamType: n(stored.teamType), level: n(stored.level), headcount: n(stored.headcount), address: n(stored.address),
        note: n(stored.note), specialities: stored.specialities ?? [], leader: personFrom(stored.leader), liaison: personFrom(stored.liaison),
      }
    case 'contact':
      return { ...stored, people: stored.people.map((p) => personFrom(p)!) }
    default:
      return tableTargetFrom(stored)
  }
}

/**
 * A preview row as stored: the cells a target repeats under the same key (name, quantity, …)
 * are left out, a blank cell whose target has a value is kept as ''. `displayRow` undoes it.
 */
export function storedRow(cells: Record<string, unknown>, target: Target | null): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  const repeated = (target ?? {}) as Record<string, unknown>
  for (const [key, value] of Object.entries(cells)) {
    const t = repeated[key] ?? null
    if (value === null) {
      if (t !== null) out[key] = ''
    } else if (value !== t) out[key] = value
  }
  if (target) out.target = target
  return out
}

/** Every column's cell (null when blank) and the target, from a stored row. */
export function displayRow(stored: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const target = (stored.target ?? {}) as Record<string, unknown>
  const out: Record<string, unknown> = { ...stored }
  for (const key of keys) {
    const value = key in stored ? stored[key] : target[key] ?? null
    out[key] = value === '' ? null : value
  }
  return out
}
