import { sql } from 'kysely'
import { isWithin, REGION_LEVELS, type RegionLevel } from '../../../domain/regions/code.js'
import { candidateStems, matchRegion, normalizeName, regionMatcher, type RegionMatch, type RegionName } from '../../../domain/regions/match.js'
import type { Db } from '../../db/database.js'
import { inScope, scopeOf } from '../../db/scope.js'

/**
 * Region names in a ledger's 区县 / 乡镇 / 村 columns turned into codes, among the regions of the
 * import's own subtree only: a name outside it is a problem of that row, never a silent write
 * elsewhere. Never a guess either: two regions fitting equally well are reported as ambiguous,
 * with the candidates, unless context the file itself gives (`hints`: the region its title
 * names, the place of neighbouring rows) leaves exactly one of them.
 */

export type Candidate = { code: string; fullName: string }
export type Resolved = { ok: true; region: RegionName } | { ok: false; message: string; candidates?: Candidate[] }

/** A level, or 'any' for a column naming places of several levels ("乡镇（街道）/村（社区）"). */
export type PlaceLevel = RegionLevel | 'any'

const ENDING_LEVEL: Array<[RegExp, RegionLevel]> = [
  [/(村|社区|居委会|村委会|委员会|居)$/, 'village'],
  [/(镇|乡|街道|办事处)$/, 'township'],
  [/(区|县|市|旗)$/, 'county'],
]

export const LEVEL_WORDS: Record<RegionLevel, string> = {
  province: '省', city: '市', county: '区县', township: '乡镇（街道）', village: '村（社区）',
}

// Looking a name up in the whole country costs a query; a hostile file of 100k made-up names
// gets the plain message after this many.
const MAX_OUTSIDE_LOOKUPS = 200

export class RegionResolver {
  private matchers = new Map<string, (text: string) => RegionMatch>()
  private cache = new Map<string, Resolved>()
  private outsideLookups = 0
  private byCode: Map<string, RegionName>

  private constructor(
    private readonly db: Db,
    readonly root: RegionName,
    private readonly regions: RegionName[],
    private readonly ancestors: RegionName[],
  ) {
    this.byCode = new Map(regions.map((r) => [r.code, r]))
  }

  /** Every region of `root`'s subtree, and the names above it (for prefixes like “吴兴区织里镇”). */
  static async load(db: Db, rootCode: string): Promise<RegionResolver> {
    const rows = await db.selectFrom('region').select(['code', 'name', 'level', 'fullName'])
      .where((eb) => eb.or([inScope('code', scopeOf(rootCode)), eb('code', 'in', ancestorCodes(rootCode))]))
      .orderBy('code').execute()
    const all = rows.map((r) => ({ code: r.code, name: r.name, level: r.level as RegionLevel, fullName: r.fullName }))
    const root = all.find((r) => r.code === rootCode)
    if (!root) throw new RangeError(`区划不存在：${rootCode}`)
    return new RegionResolver(db, root, all.filter((r) => isWithin(r.code, rootCode)), all.filter((r) => !isWithin(r.code, rootCode)))
  }

  get(code: string): RegionName | undefined {
    return this.byCode.get(code)
  }

  /**
   * The deepest region of the subtree a free text (a title, a 填报单位) names by its full
   * name ("吴兴区织里镇人民政府" → 织里镇), when exactly one does; null otherwise.
   */
  namedIn(text: string | undefined): RegionName | null {
    if (!text) return null
    const t = text.normalize('NFKC').replace(/\s+/g, '')
    let best: RegionName[] = []
    for (const r of this.regions) {
      if (r.level === 'village' || r.name.length < 2 || !t.includes(normalizeName(r.name))) continue
      const depth = REGION_LEVELS.indexOf(r.level)
      const bestDepth = best.length > 0 ? REGION_LEVELS.indexOf(best[0].level) : -1
      if (depth > bestDepth) best = [r]
      else if (depth === bestDepth) best.push(r)
    }
    return best.length === 1 ? best[0] : null
  }

  /**
   * The region of `level` that `text` names, below `parentCode` (the township of a village
   * column) or anywhere in the import's subtree. An ambiguous name takes the one candidate
   * inside the first of `hints` that leaves exactly one.
   */
  async resolve(text: string, level: PlaceLevel, parentCode: string = this.root.code, hints: readonly string[] = []): Promise<Resolved> {
    const key = `${level}|${parentCode}|${text}`
    let found = this.cache.get(key)
    if (!found) {
      found = level === 'any' ? await this.decideAny(text, parentCode) : await this.decide(text, level, parentCode)
      if (this.cache.size >= 50_000) this.cache.clear()
      this.cache.set(key, found)
    }
    // "晓河村（织里镇）": the place in brackets is the one above. "织里镇人民政府": the place itself.
    const bracketed = /^(.+?)[（(]([^）)]+)[）)]$/.exec(text.trim())
    const office = /^(.+?)(人民政府|政府|管委会)$/.exec(text.trim())
    const other = bracketed ? `${bracketed[2]}${bracketed[1]}` : office ? office[1] : null
    if (!found.ok && !found.candidates && other) {
      const again = await this.resolve(other, level, parentCode, hints)
      if (again.ok || again.candidates) return again
    }
    if (!found.ok && found.candidates) {
      for (const hint of hints) {
        const inside = found.candidates.filter((c) => isWithin(c.code, hint))
        const region = inside.length === 1 ? this.get(inside[0].code) : undefined
        if (region) return { ok: true, region }
      }
    }
    return found
  }

  /**
   * A name of any level below `parentCode`: the parent itself written out, else the one level
   * that has it; where several levels do, the ending says which ("…村" a village).
   */
  private async decideAny(text: string, parentCode: string): Promise<Resolved> {
    const parent = this.get(parentCode) ?? this.root
    if (matchRegion(text, [parent], { ancestors: this.ancestors }).kind === 'one') return { ok: true, region: parent }
    if (parent.code === this.root.code && matchRegion(text, this.ancestors, { ancestors: this.ancestors }).kind === 'one') return { ok: true, region: this.root }
    const below = REGION_LEVELS.slice(REGION_LEVELS.indexOf(parent.level) + 1)
    const hits = below.map((level) => ({ level, match: this.matcher(level, parentCode)(text) })).filter((h) => h.match.kind !== 'none')
    let chosen = hits
    if (hits.length > 1) {
      const t = normalizeName(text)
      const wanted = ENDING_LEVEL.find(([ending]) => ending.test(t))?.[1]
      const preferred = hits.filter((h) => h.level === wanted)
      if (preferred.length > 0) chosen = preferred
    }
    if (chosen.length === 1 && chosen[0].match.kind === 'one') return { ok: true, region: chosen[0].match.region }
    if (chosen.length > 0) {
      const candidates = chosen.flatMap((h) => (h.match.kind === 'one' ? [h.match.region] : h.match.kind === 'ambiguous' ? h.match.candidates : []))
      const names = candidates.slice(0, 5).map((c) => c.fullName).join('、')
      return { ok: false, message: `能对应多个区划（${names}），请写出全称或上级名称`, candidates: candidates.map(({ code, fullName }) => ({ code, fullName })) }
    }
    const level = ENDING_LEVEL.find(([ending]) => ending.test(normalizeName(text)))?.[1] ?? 'village'
    const elsewhere = await this.lookOutside(text, level)
    if (elsewhere) return { ok: false, message: `是${elsewhere}，不在本次导入的区划“${parent.fullName}”范围内` }
    return { ok: false, message: `在“${parent.fullName}”下找不到这个区划` }
  }

  private matcher(level: RegionLevel, parentCode: string): (text: string) => RegionMatch {
    const key = `${level}|${parentCode}`
    let m = this.matchers.get(key)
    if (!m) {
      const below = this.regions.filter((r) => isWithin(r.code, parentCode))
      const above = [...this.ancestors, ...this.regions.filter((r) => isWithin(parentCode, r.code))]
      m = regionMatcher(below, { level, ancestors: above })
      this.matchers.set(key, m)
    }
    return m
  }

  private async decide(text: string, level: RegionLevel, parentCode: string): Promise<Resolved> {
    // The import region itself written out (a township's own name in its own ledger).
    if (level === this.root.level || parentCode === this.root.code) {
      const own = matchRegion(text, [this.root], { ancestors: this.ancestors })
      if (own.kind === 'one') return { ok: true, region: this.root }
    }
    // A level above the import region naming its own ancestor (“吴兴区” in 织里镇's ledger) narrows nothing.
    if (REGION_LEVELS.indexOf(level) < REGION_LEVELS.indexOf(this.root.level)) {
      const up = matchRegion(text, this.ancestors.filter((a) => a.level === level), { ancestors: this.ancestors })
      if (up.kind === 'one') return { ok: true, region: this.root }
    }
    const match = this.matcher(level, parentCode)(text)
    if (match.kind === 'one') return { ok: true, region: match.region }
    const parent = this.get(parentCode) ?? this.root
    if (match.kind === 'ambiguous') {
      const names = match.candidates.slice(0, 5).map((c) => c.fullName).join('、')
      return {
        ok: false, message: `能对应多个${LEVEL_WORDS[level]}（${names}），请写出全称或上级名称`,
        candidates: match.candidates.map(({ code, fullName }) => ({ code, fullName })),
      }
    }
    const elsewhere = await this.lookOutside(text, level)
    if (elsewhere) return { ok: false, message: `是${elsewhere}，不在本次导入的区划“${parent.fullName}”范围内` }
    return { ok: false, message: `在“${parent.fullName}”下找不到这个${LEVEL_WORDS[level]}` }
  }

  /** The full name of the region `text` names outside the import's subtree, if exactly one does. */
  private async lookOutside(text: string, level: RegionLevel): Promise<string | null> {
    if (this.outsideLookups >= MAX_OUTSIDE_LOOKUPS) return null
    this.outsideLookups++
    const stems = candidateStems(text).filter((s) => s.length >= 2).slice(0, 20)
    if (stems.length === 0) return null
    const rows = await this.db.selectFrom('region').select(['code', 'name', 'level', 'fullName'])
      .where('level', '=', level)
      .where(sql<boolean>`name like any(${stems.map((s) => `${s.replace(/[\\%_]/g, '\\$&')}%`)}::text[])`)
      .limit(500).execute()
    const found = matchRegion(text, rows.map((r) => ({ ...r, level: r.level as RegionLevel })), { level })
    return found.kind === 'one' && !isWithin(found.region.code, this.root.code) ? found.region.fullName : null
  }
}

function ancestorCodes(code: string): string[] {
  return [2, 4, 6, 9].map((n) => code.slice(0, n).padEnd(12, '0')).filter((c) => c !== code)
}
