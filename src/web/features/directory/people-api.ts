import type { Person, PersonInput, PersonUpdate } from '../../../server/features/directory/schema.js'
import { http } from '../../lib/http.js'

export { listPeople, revealPersonPhones } from '../../lib/directory-api.js'

export type { Person, PersonInput }

export const getPerson = (id: number) => http.get<Person>(`/api/people/${id}`)
export const createPerson = (input: PersonInput) => http.post<Person>('/api/people', input, { quiet: true })
/** Whole replacement: fields left out are cleared; masked phones sent back mean “unchanged”. */
export const updatePerson = (id: number, input: PersonUpdate) => http.put<Person>(`/api/people/${id}`, input, { quiet: true })
export const deletePerson = (id: number, version: number) => http.del<{ ok: boolean }>(`/api/people/${id}`, { version })
