import { sql } from 'kysely'
import { parentCode, REGION_LEVELS, type RegionLevel } from '../../../domain/regions/code.js'
import { candidateStems, matchRegion, normalizeName, type RegionName } from '../../../domain/regions/match.js'
import type { Db } from '../../db/database.js'
import { inScope, type Scope } from '../../db/scope.js'
import { likeLiteral } from '../../shared/like.js'

const COLUMNS = ['r.code', 'r.name', 'r.fullName', 'r.level', 'r.kind', 'r.parentCode'] as const

// Children per region through region_parent_idx; a correlated count is cheaper than a
// group-by over the subtree when a page shows a few dozen rows.
const childCount = sql<number>`(select count(*) from region c where c.parent_code = r.code)`.as('childCount')

// Candidates the search fetches before matching; far above any real name's namesakes in one
// jurisdiction, so matching sees them all.
const MAX_CANDIDATES = 2000

function isLevel(level: string): level is RegionLevel {
  return (REGION_LEVELS as readonly string[]).includes(level)
}

/** Rows with `level` typed as a RegionLevel; the column's check constraint allows no others. */
function leveled<T extends { level: string }>(rows: T[]): Array<T & { level: RegionLevel }> {
  return rows.flatMap((r) => (isLevel(r.level) ? [{ ...r, level: r.level }] : []))
}

/** Codes from the top of the tree down to `code`'s parent. */
function ancestorCodes(code: string): string[] {
  const codes: string[] = []
  for (let c = parentCode(code); c; c = parentCode(c)) codes.unshift(c)
  return codes
}

/** One region in the scope, with the number of its children. */
export async function getRegion(db: Db, scope: Scope, code: string) {
  const rows = await db.selectFrom('region as r')
    .select([...COLUMNS, childCount])
    .where('r.code', '=', code)
    .where(inScope('r.code', scope))
    .execute()
  return leveled(rows)[0]
}

/** Direct children of a region in the scope, in code order. */
export async function listChildren(db: Db, scope: Scope, code: string) {
  return leveled(await db.selectFrom('region as r')
    .select([...COLUMNS, childCount])
    .where('r.parentCode', '=', code)
    .where(inScope('r.code', scope))
    .orderBy('r.code')
    .execute())
}

/**
 * Breadcrumb from the scope's own region down to `code`: `code` and its ancestors that lie in
 * the scope (the user's ancestors are not shown).
 */
export async function getPath(db: Db, scope: Scope, code: string) {
  return db.selectFrom('region as r')
    .select(['r.code', 'r.name'])
    .where('r.code', 'in', [...ancestorCodes(code), code])
    .where(inScope('r.code', scope))
    .orderBy('r.code')
    .execute()
}

/**
 * Every region of one level in the scope, e.g. all villages of a province: code order, so
 * the subtree comes back as the tree is read. The hot path of exports and pickers.
 */
export function listRegionsUnder(db: Db, scope: Scope, level: RegionLevel) {
  return db.selectFrom('region as r')
    .select(['r.code', 'r.name', 'r.fullName', 'r.parentCode'])
    .where(inScope('r.code', scope))
    .where('r.level', '=', level)
    .orderBy('r.code')
    .execute()
}

type Found = { code: string; name: string; fullName: string; level: RegionLevel; kind: string | null }
export type RegionSearch = { items: Found[]; match: 'one' | 'none' | 'ambiguous' }

/**
 * A typed name to regions of the scope. Candidates are the regions whose name starts with a
 * stem that ends the text (every way to write a name starts with its stem, see
 * candidateStems), so the match sees every region that could fit and never picks among a
 * partial list. pg_trgm is no help here: under the C locale it makes no trigrams of Chinese.
 * When nothing matches, regions whose name contains the text are offered.
 */
export async function searchRegions(db: Db, scope: Scope, text: string, limit: number): Promise<RegionSearch> {
  const stems = candidateStems(text)
  const rows = stems.length === 0 ? [] : await db.selectFrom('region as r')
    .select(['r.code', 'r.name', 'r.fullName', 'r.level', 'r.kind'])
    .where(inScope('r.code', scope))
    // Folded as normalizeName folds the text (full-width, separators), so "（" meets "(".
    .where(sql<boolean>`translate(normalize(r.name, NFKC), ${' -—–/|>·、'}, '') like any(${stems.map((s) => `${likeLiteral(s)}%`)}::text[])`)
    .orderBy('r.code')
    .limit(MAX_CANDIDATES)
    .execute()
  const candidates = leveled(rows)
  const ancestors = await listAncestorNames(db, scope, candidates.map((c) => c.code))
  const found = matchRegion(text, candidates, { ancestors })
  if (found.kind === 'one') return { items: [found.region], match: 'one' }
  if (found.kind === 'ambiguous') return { items: found.candidates.slice(0, limit), match: 'ambiguous' }
  return { items: await suggestRegions(db, scope, text, limit), match: 'none' }
}

/**
 * Names of the ancestors of `codes`, for prefixes like "扬州市江都区" in typed text. The
 * scope's own ancestors are allowed too: a county user may write the city in front, though the
 * city is never listed to them.
 */
async function listAncestorNames(db: Db, scope: Scope, codes: string[]): Promise<RegionName[]> {
  const wanted = new Set(codes.flatMap(ancestorCodes))
  if (wanted.size === 0) return []
  const rows = await db.selectFrom('region as r')
    .select(['r.code', 'r.name', 'r.fullName', 'r.level'])
    .where('r.code', 'in', [...wanted])
    .where((eb) => eb.or([inScope('r.code', scope), eb('r.code', 'in', [scope.regionCode, ...ancestorCodes(scope.regionCode)])]))
    .execute()
  return leveled(rows)
}

/** Regions of the scope whose name contains the text, higher levels first. */
async function suggestRegions(db: Db, scope: Scope, text: string, limit: number): Promise<Found[]> {
  const t = normalizeName(text)
  if (!t) return []
  const pattern = `%${likeLiteral(t)}%`
  const rows = await db.selectFrom('region as r')
    .select(['r.code', 'r.name', 'r.fullName', 'r.level', 'r.kind'])
    .where(inScope('r.code', scope))
    .where('r.name', 'like', pattern)
    .orderBy(sql`array_position(${sql.lit('{province,city,county,township,village}')}::text[], r.level)`)
    .orderBy('r.code')
    .limit(limit)
    .execute()
  return leveled(rows)
}
