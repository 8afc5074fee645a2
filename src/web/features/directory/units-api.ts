import type { Unit, UnitInput, UnitUpdate } from '../../../server/features/directory/schema.js'
import { http } from '../../lib/http.js'

export { listUnits } from '../../lib/directory-api.js'

export type { Unit, UnitInput }

export const getUnit = (id: number) => http.get<Unit>(`/api/units/${id}`)
export const createUnit = (input: UnitInput) => http.post<Unit>('/api/units', input, { quiet: true })
/** Whole replacement: fields left out are cleared; a masked phone sent back means “unchanged”. */
export const updateUnit = (id: number, input: UnitUpdate) => http.put<Unit>(`/api/units/${id}`, input, { quiet: true })
export const deleteUnit = (id: number, version: number) => http.del<{ ok: boolean }>(`/api/units/${id}`, { version })
/** The full phone number; the server writes each call to the audit log. */
export const revealUnitPhone = (id: number) => http.post<{ phone: string | null }>(`/api/units/${id}/reveal`)
