import type { DrawnLayer } from '../../../domain/map/layers.js'

/**
 * Server-side clustering on a zoom-dependent grid: a cell is about 60 screen pixels wide, so a
 * viewport of a few thousand pixels holds at most a few thousand cells, whatever the data.
 * Each table family is grouped by cell in SQL; cells of the families are merged here.
 */

const CELL_PX = 60
const TILE_PX = 256
/** From this zoom on, records are returned one by one (capped), never clustered. */
export const UNCLUSTERED_ZOOM = 16
export const MAX_FEATURES = 5000

/** Width of a grid cell in degrees at `zoom`. */
export function cellDegrees(zoom: number): number {
  return (360 / 2 ** zoom / TILE_PX) * CELL_PX
}

/** One grid cell of one table family, as the grouping SQL returns it. */
export type FamilyCell = {
  cx: number
  cy: number
  n: number
  lng: number
  lat: number
  /** The record's id; meaningful when n = 1. */
  id: number
  byLayer: Partial<Record<DrawnLayer, number>>
}

export type MergedCell = {
  n: number
  lng: number
  lat: number
  byLayer: Partial<Record<DrawnLayer, number>>
  /** The single record of a cell holding exactly one. */
  single: { layer: DrawnLayer; id: number } | null
}

/** Cells of several families added up: counts summed, position the count-weighted mean. */
export function mergeCells(families: FamilyCell[][]): MergedCell[] {
  const cells = new Map<string, MergedCell & { sumLng: number; sumLat: number; last: FamilyCell | null }>()
  for (const family of families) {
    for (const c of family) {
      const key = `${c.cx}:${c.cy}`
      const cell = cells.get(key) ?? { n: 0, lng: 0, lat: 0, sumLng: 0, sumLat: 0, byLayer: {}, single: null, last: null }
      cell.n += c.n
      cell.sumLng += c.lng * c.n
      cell.sumLat += c.lat * c.n
      for (const [layer, count] of Object.entries(c.byLayer) as Array<[DrawnLayer, number]>) {
        if (count > 0) cell.byLayer[layer] = (cell.byLayer[layer] ?? 0) + count
      }
      cell.last = c
      cells.set(key, cell)
    }
  }
  return [...cells.values()].map(({ sumLng, sumLat, last, ...cell }) => {
    const layers = Object.keys(cell.byLayer) as DrawnLayer[]
    const single = cell.n === 1 && last !== null && layers.length === 1 ? { layer: layers[0], id: last.id } : null
    return { ...cell, lng: sumLng / cell.n, lat: sumLat / cell.n, single }
  })
}
