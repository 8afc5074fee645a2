import type { GatewaySettings, IssuingSettings, IssuingSettingsInput } from '../../../server/features/settings/schema.js'
import { http } from '../../lib/http.js'

export { readIssuingSettings } from '../../lib/issuing-settings-api.js'
export type { GatewaySettings, IssuingSettings, IssuingSettingsInput }

/** Includes the callback secret: the server audits every call. */
export const readGatewaySettings = () => http.get<GatewaySettings>('/api/settings/gateway')
export const rotateGatewaySecret = () => http.post<GatewaySettings>('/api/settings/gateway/rotate')

export const saveIssuingSettings = (input: IssuingSettingsInput) => http.put<IssuingSettings>('/api/settings/issuing', input, { quiet: true })
