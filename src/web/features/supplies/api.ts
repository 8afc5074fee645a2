import type { Static } from 'typebox'
import type {
  Movement, MovementInput, Supply, SupplyClass, SupplyDetail, SupplyInput,
  SupplyListQuery, SupplyUpdate, TransferInput, TransferResult,
} from '../../../server/features/supplies/schema.js'
import { http, type KeyPaged, type Paged } from '../../lib/http.js'

export type { Movement, MovementInput, Supply, SupplyClass, SupplyDetail, SupplyInput, SupplyListQuery, TransferInput }

export const listSupplies = (q: SupplyListQuery, signal?: AbortSignal) => http.get<KeyPaged<Supply>>('/api/supplies', q, { signal })
export const getSupply = (id: number) => http.get<SupplyDetail>(`/api/supplies/${id}`)
/** The initial quantity is booked as the line's first movement (建账). */
export const createSupply = (input: SupplyInput) => http.post<Supply>('/api/supplies', input, { quiet: true })
/** Whole replacement without the quantity, which only movements change. */
export const updateSupply = (id: number, input: SupplyUpdate) => http.put<Supply>(`/api/supplies/${id}`, input, { quiet: true })
export const deleteSupply = (id: number, version: number) => http.del<{ ok: boolean }>(`/api/supplies/${id}`, { version })

export const moveStock = (id: number, m: MovementInput) => http.post<Supply>(`/api/supplies/${id}/movements`, m, { quiet: true })
export const transferStock = (id: number, t: TransferInput) =>
  http.post<Static<typeof TransferResult>>(`/api/supplies/${id}/transfer`, t, { quiet: true })
export const listMovements = (id: number, q: { page: number; pageSize: number }, signal?: AbortSignal) =>
  http.get<Paged<Movement>>(`/api/supplies/${id}/movements`, q, { signal })
