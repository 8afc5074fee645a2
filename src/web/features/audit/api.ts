import type { Static } from 'typebox'
import type { ActionOption, AuditEntry, AuditListQuery, EntityOption, VerifyReply } from '../../../server/features/audit/schema.js'
import { http, type Paged } from '../../lib/http.js'

export type AuditRow = Static<typeof AuditEntry>
export type AuditFilter = Omit<AuditListQuery, 'page' | 'pageSize'>
export type ChainCheck = Static<typeof VerifyReply>

export const listAudit = (q: AuditListQuery, signal?: AbortSignal) => http.get<Paged<AuditRow>>('/api/audit', q, { signal })
export const listAuditActions = () => http.get<Array<Static<typeof ActionOption>>>('/api/audit/actions')
export const listAuditEntities = () => http.get<Array<Static<typeof EntityOption>>>('/api/audit/entities')
export const verifyAudit = () => http.get<ChainCheck>('/api/audit/verify')
