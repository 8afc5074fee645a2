import type { MapConfig as ServerMapConfig } from '../../server/features/map/schema.js'
import type { SketchCount, SketchCountBody } from '../../server/features/map/position-schema.js'
import { http } from './http.js'

/*
 * What the other maps of the app (a warning's target, the board's villages) share with the 一张图:
 * its configuration and basemaps, and how many villages a drawn shape covers by a sketched position.
 */

export type BasemapKey = 'offline' | 'tdt-vec' | 'tdt-img' | 'xyz'
export type MapConfig = Omit<ServerMapConfig, 'basemaps'> & { basemaps: Array<{ key: BasemapKey; label: string }> }

export const fetchMapConfig = () => http.get<MapConfig>('/api/map/config')

export const countSketchVillages = (body: SketchCountBody, signal?: AbortSignal) =>
  http.post<SketchCount>('/api/map/positions/sketch-count', body, { quiet: true, signal })
