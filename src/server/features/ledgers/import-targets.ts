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
  name: string
  specification: string | null
  unit: string
  quantity: number
  classCode: string
  isEquipment: boolean
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
}

export type TeamTarget = {
  kind: 'team'
  regionCode: string
  importKey: string
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

export type Target = SupplyTarget | TeamTarget | ContactTarget

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
