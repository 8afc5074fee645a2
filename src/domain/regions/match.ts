import { isWithin, parentCode, type RegionLevel } from './code.js'

/**
 * Finding a region from a name a person typed: "渡江村" for 渡江村委会, "江都仙女镇" for
 * 扬州市江都区仙女镇. Used by every place where names meet codes (search box, spreadsheet
 * imports), so that all of them agree on what a name means. Pure: callers fetch the candidates.
 */

export type RegionName = { code: string; name: string; level: RegionLevel; fullName: string }

/** Never a guess: two regions that fit equally well come back as `ambiguous`. */
export type RegionMatch<R extends RegionName = RegionName> =
  | { kind: 'one'; region: R }
  | { kind: 'none' }
  | { kind: 'ambiguous'; candidates: R[] }

export type MatchOptions = {
  /**
   * Regions above the candidates (e.g. the county and townships when the candidates are
   * villages). Their names let a text carry a prefix such as "江都区仙女镇". Names of
   * candidates are known anyway; an ancestor missing from both lists can still be written
   * out in full, exactly as in the candidate's `fullName`.
   */
  ancestors?: readonly RegionName[]
  /** Only candidates of this level, e.g. 'township' for a spreadsheet column "乡镇". */
  level?: RegionLevel
}

// Long statutory endings and the form they are filed under, so "渡江村民委员会" and
// "渡江村委会" are one name. Applied to names and typed text alike, at the end only.
const CANONICAL_ENDINGS: Array<[string, string]> = [
  ['社区居民委员会', '社区居委会'],
  ['村民委员会', '村委会'],
  ['居民委员会', '居委会'],
  ['街道办事处', '街道'],
]

/**
 * Endings people drop or shorten, longest first, with the short form they write instead
 * (besides the bare stem): 渡江村委会 → 渡江村 / 渡江, 头桥居委会 → 头桥社区 / 头桥,
 * 头桥镇 → 头桥. Residents' committees are called 社区 in everyday use.
 */
const ENDINGS: Record<RegionLevel, Array<[string, string | null]>> = {
  village: [['社区居委会', '社区'], ['村委会', '村'], ['居委会', '社区'], ['委员会', null], ['社区', null], ['村', null]],
  township: [['街道', null], ['办事处', null], ['镇', null], ['乡', null]],
  county: [['自治县', null], ['自治旗', null], ['区', null], ['县', null], ['市', null], ['旗', null]],
  city: [['自治州', null], ['地区', null], ['市', null], ['盟', null]],
  province: [['自治区', null], ['省', null], ['市', null]],
}

/**
 * Endings that only the full statutory name carries. A text ending in one of them was
 * written out in full on purpose, so it may win over shortened forms (see `decide`).
 * 村 and 社区 are missing on purpose: "先锋村" is the official name of some villages and
 * the everyday form of 先锋村委会 in the same county (吉林 220172 has both).
 */
const FULL_FORM = /(委员会|委会|街道|办事处|镇|乡|区|县|市|旗|州|盟|省)$/

/** A stem shorter than this ("城" of 城镇) would match far too much. */
const MIN_STEM = 2

// Path separators people put between parts ("江都区 / 仙女镇"); names never need them to differ.
const SEPARATORS = /[\s\-—–/|>·、]+/g
const TRAILING_PUNCTUATION = /[。.,，;；:：!！?？"'“”‘’]+$/
const LEADING_PUNCTUATION = /^["'“”‘’]+/

// Placeholder rows of the statistical tables ("市辖区"): never part of what people write.
const FILLER_NAMES = new Set(['市辖区', '县', '省直辖县级行政区划', '自治区直辖县级行政区划'])

/** Full-width to half-width (NFKC), no spaces or separators, no trailing punctuation, canonical ending. */
export function normalizeName(text: string): string {
  const s = cleanText(text)
  for (const [long, short] of CANONICAL_ENDINGS) {
    if (s.endsWith(long)) return s.slice(0, -long.length) + short
  }
  return s
}

function cleanText(text: string): string {
  return text.normalize('NFKC').replace(SEPARATORS, '').replace(TRAILING_PUNCTUATION, '').replace(LEADING_PUNCTUATION, '')
}

/**
 * Every way a person may write a region's own name: the name, short forms, the bare stem.
 * The long statutory form stays in too, for when it is typed in front of another name.
 */
export function nameForms(name: string, level: RegionLevel): string[] {
  const full = normalizeName(name)
  const forms = new Set([full, cleanText(name)])
  for (const [ending, short] of ENDINGS[level]) {
    if (!full.endsWith(ending)) continue
    const stem = full.slice(0, -ending.length)
    if (stem.length < MIN_STEM) continue
    forms.add(stem)
    if (short) forms.add(stem + short)
    break
  }
  return [...forms]
}

/**
 * Stems a region's name may start with if it is to match `text` (for a `LIKE 'stem%'`
 * candidate fetch): every form of a name starts with its stem, and the stem is what is
 * left at the end of the text once a short-form ending is taken off.
 */
export function candidateStems(text: string): string[] {
  const t = normalizeName(text)
  const tails = new Set([''])
  for (const endings of Object.values(ENDINGS)) for (const [ending, short] of endings) {
    if (t.endsWith(ending)) tails.add(ending)
    if (short && t.endsWith(short)) tails.add(short)
  }
  for (const [, short] of CANONICAL_ENDINGS) if (t.endsWith(short)) tails.add(short)
  const stems = new Set<string>()
  for (const tail of tails) {
    const head = t.slice(0, t.length - tail.length)
    for (let i = 0; i + MIN_STEM <= head.length; i++) stems.add(head.slice(i))
  }
  // A name may itself be shorter than a stem (a two-character village with no ending).
  if (t.length >= 1 && t.length < MIN_STEM) stems.add(t)
  return [...stems]
}

type Entry<R> = { region: R; exact: boolean }
type Hit<R> = { region: R; exact: boolean }

/**
 * A reusable matcher over a fixed candidate list (a spreadsheet import matches thousands of
 * rows against the same villages). Forms of every candidate go into one map, so a match
 * costs a lookup per split point of the text, not a scan of the candidates.
 */
export function regionMatcher<R extends RegionName>(candidates: readonly R[], options: MatchOptions = {}): (text: string) => RegionMatch<R> {
  const pool = options.level ? candidates.filter((c) => c.level === options.level) : candidates
  const byForm = new Map<string, Entry<R>[]>()
  for (const region of pool) {
    const full = normalizeName(region.name)
    for (const form of nameForms(region.name, region.level)) {
      const list = byForm.get(form) ?? []
      list.push({ region, exact: form === full })
      byForm.set(form, list)
    }
  }
  const names = new Map<string, RegionName>()
  for (const r of options.ancestors ?? []) names.set(r.code, r)
  for (const r of candidates) names.set(r.code, r)
  const ancestorForms = new Map<string, string[][]>()
  const formsAbove = (region: R): string[][] => {
    let forms = ancestorForms.get(region.code)
    if (!forms) {
      forms = ancestorsOf(region.code, names).map((a) => nameForms(a.name, a.level))
      ancestorForms.set(region.code, forms)
    }
    return forms
  }

  return (text) => {
    const t = normalizeName(text)
    if (!t) return { kind: 'none' }
    const hits = new Map<string, Hit<R>>()
    for (let split = 0; split < t.length; split++) {
      const entries = byForm.get(t.slice(split))
      if (!entries) continue
      const prefix = t.slice(0, split)
      for (const { region, exact } of entries) {
        if (prefix && !isAncestorPrefix(prefix, region, formsAbove(region))) continue
        const seen = hits.get(region.code)
        if (!seen || (exact && !seen.exact)) hits.set(region.code, { region, exact })
      }
    }
    return decide(t, [...hits.values()])
  }
}

/** Matches `text` against `candidates` once; see `regionMatcher` for repeated use. */
export function matchRegion<R extends RegionName>(text: string, candidates: readonly R[], options: MatchOptions = {}): RegionMatch<R> {
  return regionMatcher(candidates, options)(text)
}

/**
 * Matches `text` among the regions below `parent` (a village under a known township, for a
 * spreadsheet whose rows name the township in one column and the village in the next).
 * The parent's own name may still be written in front ("头桥镇头桥村").
 */
export function matchWithin<R extends RegionName>(
  text: string, parent: RegionName, candidates: readonly R[], options: MatchOptions = {},
): RegionMatch<R> {
  const below = candidates.filter((c) => c.code !== parent.code && isWithin(c.code, parent.code))
  return matchRegion(text, below, { ...options, ancestors: [...(options.ancestors ?? []), parent] })
}

/**
 * The rule that keeps matching from guessing. A match is *exact* when the text (after
 * normalising, without any ancestor prefix) is the region's full statutory name.
 * - One match in all: that one.
 * - Several: an exact match wins only if it is the only exact one and the text ends in a
 *   full-form ending (委员会, 街道, 镇, 乡, 区, 县, 市 …). So "仙女镇" picks 仙女镇 over a
 *   village whose stem is 仙女镇, but "先锋村" stays ambiguous between a village named
 *   先锋村 and a 先锋村委会, because 村 is also how everybody shortens 村委会.
 * - Otherwise ambiguous, listing the exact matches if there are any, else all.
 */
function decide<R extends RegionName>(text: string, hits: Hit<R>[]): RegionMatch<R> {
  if (hits.length === 0) return { kind: 'none' }
  if (hits.length === 1) return { kind: 'one', region: hits[0].region }
  const exact = hits.filter((h) => h.exact)
  if (exact.length === 1 && FULL_FORM.test(text)) return { kind: 'one', region: exact[0].region }
  const listed = exact.length > 1 ? exact : hits
  return { kind: 'ambiguous', candidates: listed.map((h) => h.region).sort((a, b) => a.code.localeCompare(b.code)) }
}

/** Ancestors of a code from the top down, skipping filler rows and those whose names are unknown. */
function ancestorsOf(code: string, names: Map<string, RegionName>): RegionName[] {
  const chain: RegionName[] = []
  for (let c = parentCode(code); c; c = parentCode(c)) {
    const r = names.get(c)
    if (r && !FILLER_NAMES.has(r.name)) chain.unshift(r)
  }
  return chain
}

/**
 * True when `prefix` names ancestors of `region`, top down, each in any of its forms, possibly
 * skipping some ("扬州广陵区", "江都", "广陵头桥镇"); or is the ancestors' full name exactly as
 * in `fullName`.
 */
function isAncestorPrefix(prefix: string, region: RegionName, forms: string[][]): boolean {
  const own = normalizeName(region.fullName)
  const name = normalizeName(region.name)
  if (own.endsWith(name) && own.slice(0, -name.length) === prefix) return true
  const consume = (rest: string, from: number): boolean => {
    if (rest === '') return true
    for (let i = from; i < forms.length; i++) {
      for (const f of forms[i]) if (rest.startsWith(f) && consume(rest.slice(f.length), i + 1)) return true
    }
    return false
  }
  return consume(prefix, 0)
}
