import type { Static } from 'typebox'
import type { Channel } from '../../../domain/warnings/delivery.js'
import type { LadderPolicy } from '../../../domain/warnings/ladder.js'
import type { WarningLevel, WarningPurpose, WarningStatus } from '../../../domain/warnings/levels.js'
import type { WarningTarget } from '../../../domain/warnings/target.js'
import type { GroupSummary } from '../../../server/features/linkage/schema.js'
import type {
  Board, DoorKnockTask, DrillInput, Preview as PreviewSchema, RecipientDetail, RecipientRow, SilentRow, VillageState,
  Warning, WarningInput, WarningRevision, WarningSummary,
} from '../../../server/features/warnings/schema.js'
import { http, type Paged, type RequestOptions } from '../../lib/http.js'

export type { Board, Channel, DrillInput, LadderPolicy, RecipientDetail, VillageState, Warning, WarningInput, WarningLevel, WarningSummary, WarningTarget }
export type Preview = Static<typeof PreviewSchema>
export type Recipient = RecipientRow
export type SilentRecipient = SilentRow
export type Delivery = RecipientDetail['deliveries'][number]
export type DoorKnock = DoorKnockTask
export type WarningUpdate = WarningRevision
export type LinkageGroupOption = GroupSummary
export type TargetInput = WarningInput['target']

export type WarningListQuery = {
  status?: WarningStatus
  purpose?: WarningPurpose
  level?: WarningLevel
  q?: string
  page: number
  pageSize: number
}

export type RecipientQuery = { state?: string; region?: string; level?: string; q?: string; page: number; pageSize: number }

const base = '/api/warnings'

export const listWarnings = (q: WarningListQuery, signal?: AbortSignal) =>
  http.get<Paged<WarningSummary>>(base, q, { signal })
export const getWarning = (id: number) => http.get<Warning>(`${base}/${id}`)
export const createWarning = (input: WarningInput) => http.post<Warning>(base, input, { quiet: true })
export const updateDraft = (id: number, input: WarningInput & { version: number }) =>
  http.put<Warning>(`${base}/${id}`, input, { quiet: true })
export const deleteWarning = (id: number, version: number) => http.del<unknown>(`${base}/${id}`, { version })

/** `acknowledgeSketchPositions`: the drafter confirmed that villages inside the shapes have only sketch positions. */
export const submitWarning = (id: number, version: number, acknowledgeSketchPositions = false, opts?: RequestOptions) =>
  http.post<Warning>(`${base}/${id}/submit`, { version, ...(acknowledgeSketchPositions ? { acknowledgeSketchPositions } : {}) }, opts)
export const approveWarning = (id: number, version: number) => http.post<Warning>(`${base}/${id}/approve`, { version })
export const rejectWarning = (id: number, version: number, reason: string) =>
  http.post<Warning>(`${base}/${id}/reject`, { version, reason })

export const reviseWarning = (id: number, u: WarningUpdate) => http.post<Warning>(`${base}/${id}/update`, u)
export const cancelWarning = (id: number, version: number, reason: string) =>
  http.post<Warning>(`${base}/${id}/cancel`, { version, reason })
export const endWarning = (id: number, version: number, reason: string) =>
  http.post<Warning>(`${base}/${id}/end`, { version, reason })

export const previewRecipients = (body: { regionCode: string; target: TargetInput }, signal?: AbortSignal) =>
  http.post<Preview>(`${base}/preview`, body, { quiet: true, signal })

export const fetchBoard = (id: number, region?: string, signal?: AbortSignal) =>
  http.get<Board>(`${base}/${id}/board`, { region }, { signal })
export const listRecipients = (id: number, q: RecipientQuery, signal?: AbortSignal) =>
  http.get<Paged<Recipient>>(`${base}/${id}/recipients`, q, { signal })
export const getRecipient = (id: number, personId: number) =>
  http.get<RecipientDetail>(`${base}/${id}/recipients/${personId}`)
/** 未叫醒, page by page: a night when a whole township sleeps is hundreds of people. */
export const fetchSilent = (id: number, q: { page: number; pageSize: number }, signal?: AbortSignal) =>
  http.get<Paged<SilentRecipient>>(`${base}/${id}/silent`, q, { signal })
export const fetchVillages = (id: number, signal?: AbortSignal) =>
  http.get<VillageState[]>(`${base}/${id}/villages`, undefined, { signal })
/** The live board's server-sent events (topic warning:<id>). */
export const boardEventsUrl = (id: number) => `${base}/${id}/events`

export const listDoorKnocks = (q: { state?: 'open' | 'done'; warningId?: number; page: number; pageSize: number }, signal?: AbortSignal) =>
  http.get<Paged<DoorKnock>>(`${base}/door-knocks`, q, { signal })
/** `reached`: those told at the door; absent, everyone on the list still unconfirmed. */
export const finishDoorKnock = (id: number, result: string, reached?: number[]) =>
  http.post<DoorKnock>(`${base}/door-knocks/${id}/done`, { result, reached })

export const startDrill = (input: DrillInput) => http.post<Warning>(`${base}/drills`, input)

export const capXmlUrl = (id: number) => `${base}/${id}/cap.xml`
/** What became of an imported CAP message: a new draft, a repeat of one, or an update attached to its warning. */
export type CapImported = Warning & { imported: { outcome: 'created' | 'duplicate' | 'attached'; message: string } }

/** A CAP 1.2 document from an upstream feed becomes a draft; a refusal names what is wrong. */
export const importCap = (xml: string) => http.post<CapImported>(`${base}/import-cap`, { xml }, { quiet: true })

export const listLinkageGroups = (q: { q?: string; kind?: string; regionCode?: string; page?: number; pageSize?: number }, signal?: AbortSignal) =>
  http.get<Paged<LinkageGroupOption>>('/api/linkage/groups', q, { signal })
