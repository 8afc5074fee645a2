import { roundCoord } from '../../../domain/map/crs.js'
import type { ResourceKind } from '../../../domain/resources/kinds.js'

/** What may be placed on the map by a click: every resource kind and a supply line. */
export type PlaceKind = ResourceKind | 'supply'

/** The 新增点位 menu, most placed first; the labels are what a cadre calls the record. */
export const PLACE_KINDS: ReadonlyArray<{ key: PlaceKind; label: string }> = [
  { key: 'team', label: '队伍' },
  { key: 'storage_point', label: '储备点' },
  { key: 'shelter', label: '避难场所' },
  { key: 'risk_point', label: '风险隐患点' },
  { key: 'supplier', label: '保供单位' },
  { key: 'expert', label: '专家' },
  { key: 'supply', label: '物资装备' },
]

export const placeLabel = (kind: PlaceKind): string => PLACE_KINDS.find((k) => k.key === kind)?.label ?? kind


/**
 * The WGS84 position of a map click: longitude brought back into [-180, 180) (the map reports
 * 480° after panning round the world), both rounded.
 */
export function placedAt(lng: number, lat: number): { lng: number; lat: number } {
  const wrapped = ((((lng + 180) % 360) + 360) % 360) - 180
  return { lng: roundCoord(wrapped), lat: roundCoord(lat) }
}
