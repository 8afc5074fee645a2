import type { IssuingSettings } from '../../server/features/settings/schema.js'
import { http } from './http.js'

export type { IssuingSettings }

/** Who may approve which warnings, and the four-eyes switch; everyone who handles warnings reads it. */
export const readIssuingSettings = () => http.get<IssuingSettings>('/api/settings/issuing')
