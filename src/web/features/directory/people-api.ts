import type { Person, PersonInput, PersonListQuery, PersonUpdate } from '../../../server/features/directory/schema.js'
import { http, type Paged } from '../../lib/http.js'

export type { Person, PersonInput }

export const listPeople = (q: PersonListQuery, signal?: AbortSignal) => http.get<Paged<Person>>('/api/people', q, { signal })
export const getPerson = (id: number) => http.get<Person>(`/api/people/${id}`)
export const createPerson = (input: PersonInput) => http.post<Person>('/api/people', input, { quiet: true })
/** Whole replacement: fields left out are cleared; masked phones sent back mean “unchanged”. */
export const updatePerson = (id: number, input: PersonUpdate) => http.put<Person>(`/api/people/${id}`, input, { quiet: true })
export const deletePerson = (id: number, version: number) => http.del<{ ok: boolean }>(`/api/people/${id}`, { version })
/** Full numbers of one person; the server writes each call to the audit log. */
export const revealPersonPhones = (id: number) =>
  http.post<{ mobile: string | null; landline: string | null }>(`/api/people/${id}/reveal`)
