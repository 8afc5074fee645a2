import { sql } from 'kysely'
import { inChinaBounds, roundCoord, toWgs84 } from '../../../domain/map/crs.js'
import type { DrawnLayer } from '../../../domain/map/layers.js'
import { RESOURCE_KINDS } from '../../../domain/resources/kinds.js'
import type { Db } from '../../db/database.js'
import { inScope, type Scope } from '../../db/scope.js'
import { AppError, notFound, stale } from '../../errors.js'
import { recordAudit, type Actor } from '../audit/record.js'
import { lockResource } from '../resources/queries.js'
import type { LocationBody } from './schema.js'

/**
 * Moving a point on the map (dragging, or typed coordinates): converted to WGS84 on entry,
 * range-checked, written with the version check, audited with both positions. A position a
 * user placed is 人工标注 ('manual'), whatever it was before.
 */

export async function moveLocation(
  db: Db, scope: Scope, actor: Actor, layer: DrawnLayer, id: number, body: LocationBody,
): Promise<{ lng: number; lat: number; version: number }> {
  const [lng, lat] = toWgs84([body.lng, body.lat], body.crs).map(roundCoord)
  if (!inChinaBounds([lng, lat])) {
    throw new AppError('INVALID_FIELD', 400, `坐标（经度 ${body.lng}，纬度 ${body.lat}）不在我国范围内，请检查经纬度是否填反或坐标系是否选对`,
      [{ field: 'lng', value: body.lng }, { field: 'lat', value: body.lat }])
  }
  const what = layer === 'supply' ? '物资装备' : RESOURCE_KINDS[layer]
  const table = layer === 'supply' ? 'supply' : 'resource'
  return db.transaction().execute(async (trx) => {
    const before = layer === 'supply'
      ? await trx.selectFrom('supply').select(['regionCode', 'name', 'lng', 'lat', 'version'])
        .where('id', '=', id).where(inScope('regionCode', scope)).forUpdate().executeTakeFirst()
      : await lockResource(trx, scope, layer, id)
    if (!before) throw notFound(what, id)
    if (before.version !== body.version) throw stale(`${what}“${before.name}”`)
    // The row is locked: its source is read for the audit entry only.
    const { rows: [was] } = await sql<{ positionSource: string | null }>`select position_source from ${sql.table(table)} where id = ${id}`.execute(trx)
    const { rows: [after] } = await sql<{ version: number }>`
      update ${sql.table(table)} set lng = ${lng}, lat = ${lat}, position_source = 'manual', version = version + 1, updated_at = now()
      where id = ${id} returning version`.execute(trx)
    await recordAudit(trx, actor, {
      action: 'map.location_changed', entity: table, entityId: id, regionCode: before.regionCode,
      before: { lng: before.lng, lat: before.lat, source: was?.positionSource ?? null },
      after: { lng, lat, source: 'manual', ...(body.crs === 'WGS84' ? {} : { entered: { lng: body.lng, lat: body.lat, crs: body.crs } }) },
    })
    return { lng, lat, version: after.version }
  })
}
