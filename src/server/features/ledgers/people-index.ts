import type { StoredPerson } from './import-outcome.js'

/** A person as a commit sees it: stored, or created by this import (`fresh`, id 0 until inserted). */
export type KnownPerson = StoredPerson & { regionCode: string; name: string; fresh: boolean }

type Group = { byMobile: Map<string, KnownPerson>; noMobile: KnownPerson[]; all: KnownPerson[] }

/**
 * The people of an import's region by region and name, and by mobile within that: the rule of
 * `matchPeople` (same mobile, else one without a mobile, else — when the ledger gives none — the
 * oldest) as lookups, so a hundred thousand keepers do not each scan their namesakes.
 */
export class PeopleIndex {
  private groups = new Map<string, Group>()

  add(p: KnownPerson): void {
    const key = `${p.regionCode}|${p.name}`
    let g = this.groups.get(key)
    if (!g) {
      g = { byMobile: new Map(), noMobile: [], all: [] }
      this.groups.set(key, g)
    }
    g.all.push(p)
    if (p.mobile === null) g.noMobile.push(p)
    else if (!g.byMobile.has(p.mobile)) g.byMobile.set(p.mobile, p)
  }

  find(regionCode: string, name: string, mobile: string | null): KnownPerson | null {
    const g = this.groups.get(`${regionCode}|${name}`)
    if (!g) return null
    if (mobile !== null) return g.byMobile.get(mobile) ?? g.noMobile[0] ?? null
    return g.noMobile[0] ?? g.all[0] ?? null
  }

  /** After `p` (found without a mobile) was given one. */
  gotMobile(p: KnownPerson): void {
    const g = this.groups.get(`${p.regionCode}|${p.name}`)
    if (!g || p.mobile === null) return
    g.noMobile = g.noMobile.filter((x) => x !== p)
    if (!g.byMobile.has(p.mobile)) g.byMobile.set(p.mobile, p)
  }
}
