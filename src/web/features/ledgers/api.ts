import type { Static } from 'typebox'
import type {
  AnnexInfo, CommitSummary, ImportDetail, ImportListQuery, ImportRow, MappingBody, Outcome, Problem,
} from '../../../server/features/ledgers/schema.js'
import { csrfHeader, http, reportError, toApiError, type Paged } from '../../lib/http.js'

export type Annex = Static<typeof AnnexInfo>
export type { CommitSummary, ImportDetail, ImportRow, MappingBody, Outcome, Problem }

export const listAnnexes = () => http.get<Annex[]>('/api/ledgers/annexes')
export const getImport = (id: number, signal?: AbortSignal) => http.get<ImportDetail>(`/api/ledgers/imports/${id}`, undefined, { signal })
/** Spelled out: the server's RowsQuery types its outcome union from a mapped array, which comes out as never. */
export type RowsQuery = { outcome?: Outcome; page?: number; pageSize?: number }
export const listImportRows = (id: number, q: RowsQuery, signal?: AbortSignal) =>
  http.get<Paged<ImportRow>>(`/api/ledgers/imports/${id}/rows`, q, { signal })
export const listImports = (q: ImportListQuery, signal?: AbortSignal) => http.get<Paged<ImportDetail>>('/api/ledgers/imports', q, { signal })
export const commitImport = (id: number) => http.post<CommitSummary>(`/api/ledgers/imports/${id}/commit`, {}, { quiet: true })
/**
 * How the file's columns are to be read (and where its rows belong, which region an ambiguous
 * name means); the server reads the file again and remembers the mapping for the next file of
 * the same header.
 */
export const remapImport = (id: number, body: MappingBody) => http.put<{ importId: number }>(`/api/ledgers/imports/${id}/mapping`, body)
/** Removes a batch that was not committed (parsing, previewed or failed); a committed one stays as the record. */
export const deleteImport = (id: number) => http.del<{ ok: boolean }>(`/api/ledgers/imports/${id}`)

export const exportUrl = (annex: string, regionCode: string) => `/api/ledgers/${annex}/export?regionCode=${regionCode}`
export const templateUrl = (annex: string) => `/api/ledgers/${annex}/template`

/**
 * Uploads a ledger file for parsing. XMLHttpRequest rather than fetch: only it reports upload
 * progress, which a 20 MB county ledger on a township connection needs.
 */
export function uploadLedger(annex: string, regionCode: string, file: File, onProgress: (percent: number) => void): Promise<{ importId: number }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', `/api/ledgers/${annex}/imports?regionCode=${regionCode}`)
    xhr.withCredentials = true
    xhr.setRequestHeader('accept', 'application/json')
    for (const [k, v] of Object.entries(csrfHeader())) xhr.setRequestHeader(k, v)
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(Math.round((e.loaded / e.total) * 100)) }
    xhr.onload = () => {
      const data = parseJson(xhr.responseText)
      if (xhr.status >= 200 && xhr.status < 300) resolve(data as { importId: number })
      else {
        const e = toApiError(xhr.status, data)
        reportError(e)
        reject(e)
      }
    }
    xhr.onerror = () => {
      const e = toApiError(0, { code: 'NETWORK', message: '无法连接服务器，上传中断，请检查网络后重试' })
      reportError(e)
      reject(e)
    }
    const body = new FormData()
    body.append('file', file, file.name)
    xhr.send(body)
  })
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined
  } catch {
    return undefined
  }
}
