import type { Person, PersonListQuery, Unit, UnitListQuery } from '../../server/features/directory/schema.js'
import { http, type KeyPaged } from './http.js'

/*
 * The directory lookups other capabilities make: choosing a person or a unit, and revealing a
 * person's phone numbers. The directory's own pages write through features/directory.
 */

export type { Person, Unit }

export const listPeople = (q: PersonListQuery, signal?: AbortSignal) => http.get<KeyPaged<Person>>('/api/people', q, { signal })
export const listUnits = (q: UnitListQuery, signal?: AbortSignal) => http.get<KeyPaged<Unit>>('/api/units', q, { signal })
/** Full numbers of one person; the server writes each call to the audit log. */
export const revealPersonPhones = (id: number) =>
  http.post<{ mobile: string | null; landline: string | null }>(`/api/people/${id}/reveal`)
