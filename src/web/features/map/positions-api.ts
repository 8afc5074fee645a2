import type { Crs } from '../../../domain/map/crs.js'
import type {
  ImportCommitBody, ImportPreview, PositionQuery, PositionSummary, PreviewRow, RegionPosition, SetPositionBody,
} from '../../../server/features/map/position-schema.js'
import { http, type Paged } from '../../lib/http.js'

export type { ImportPreview, PositionSummary, PreviewRow, RegionPosition }

const base = '/api/map/positions'

export const listRegionPositions = (q: PositionQuery, signal?: AbortSignal) => http.get<Paged<RegionPosition>>(base, q, { signal })
export const fetchPositionSummary = (regionCode: string, signal?: AbortSignal) =>
  http.get<PositionSummary>(`${base}/summary`, { regionCode }, { signal })
export const setRegionPosition = (code: string, body: SetPositionBody) => http.put<RegionPosition>(`${base}/${code}`, body)

/** The file travels as Base64 in JSON: position files are small, and no multipart handling is needed. */
export async function previewPositionImport(file: File, crs: Crs): Promise<ImportPreview> {
  const bytes = new Uint8Array(await file.arrayBuffer())
  let binary = ''
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return http.post<ImportPreview>(`${base}/import/preview`, { fileName: file.name, content: btoa(binary), crs }, { quiet: true })
}

export const commitPositionImport = (body: ImportCommitBody) => http.post<{ updated: number; unchanged: number }>(`${base}/import`, body)
