import { sql } from 'kysely'
import { storedSource } from '../../../domain/map/position-sources.js'
import { jurisdictionPrefix, levelOf, parentCode } from '../../../domain/regions/code.js'
import type { Db } from '../../db/database.js'
import { codeInScope, inScope, type Scope } from '../../db/scope.js'
import { outOfScope } from '../../errors.js'
import type { MapConfig, RegionsQuery } from './schema.js'

/** Regions on the map: base labels, and where the map opens. */

const MAX_MARKERS = 5000
/** Roughly the zoom at which a region of this level fills a screen. */
const ZOOM_BY_LEVEL = { province: 7, city: 9, county: 10, township: 12, village: 14 } as const
const CHINA_CENTRE: [number, number] = [104.2, 35.9]

/** Children of `regionCode` (the user's own region by default), or its descendants at `level`; only placed ones. */
export async function regionMarkers(db: Db, scope: Scope, query: RegionsQuery) {
  const code = query.regionCode ?? scope.regionCode
  if (!codeInScope(code, scope)) throw outOfScope(code)
  const rows = await db.selectFrom('region')
    .select(['code', 'name', 'level', 'lng', 'lat', 'positionSource'])
    .where(inScope('code', scope))
    .$if(query.level === undefined, (b) => b.where('parentCode', '=', code))
    .$if(query.level !== undefined, (b) => b.where('code', 'like', `${jurisdictionPrefix(code)}%`).where('level', '=', query.level!))
    .where('lng', 'is not', null).where('lat', 'is not', null)
    .orderBy('code').limit(MAX_MARKERS).execute()
  return rows.map((r) => ({ ...r, lng: r.lng!, lat: r.lat!, positionSource: storedSource(r.positionSource) ?? 'sketch' }))
}

/** The user's region position, else the nearest placed ancestor's, else the middle of China. */
async function centreOf(db: Db, code: string): Promise<[number, number]> {
  const chain: string[] = []
  for (let c: string | null = code; c; c = parentCode(c)) chain.push(c)
  const row = await db.selectFrom('region').select(['lng', 'lat'])
    .where('code', 'in', chain).where('lng', 'is not', null).where('lat', 'is not', null)
    .orderBy(sql`length(rtrim(code, '0'))`, 'desc').limit(1).executeTakeFirst()
  return row ? [row.lng!, row.lat!] : CHINA_CENTRE
}

/**
 * Basemaps on offer: the self-contained offline style always; 天地图 vector and imagery when a
 * key (tk) is configured in SHOUWANG_TIANDITU_TK; any XYZ raster template in SHOUWANG_XYZ_TEMPLATE.
 */
export async function mapConfig(db: Db, scope: Scope, env: NodeJS.ProcessEnv): Promise<MapConfig> {
  const tk = env.SHOUWANG_TIANDITU_TK?.trim() || undefined
  const xyz = env.SHOUWANG_XYZ_TEMPLATE?.trim() || undefined
  return {
    basemaps: [
      { key: 'offline', label: '离线底图' },
      ...(tk ? [{ key: 'tdt-vec', label: '天地图矢量' }, { key: 'tdt-img', label: '天地图影像' }] : []),
      ...(xyz ? [{ key: 'xyz', label: '自定义底图' }] : []),
    ],
    ...(tk ? { tiandituKey: tk } : {}),
    ...(xyz ? { xyzTemplate: xyz } : {}),
    center: await centreOf(db, scope.regionCode),
    zoom: ZOOM_BY_LEVEL[levelOf(scope.regionCode)],
  }
}
