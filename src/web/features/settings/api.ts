import type { GatewaySettings } from '../../../server/features/settings/schema.js'
import { http } from '../../lib/http.js'

export type { GatewaySettings }

/** Includes the callback secret: the server audits every call. */
export const readGatewaySettings = () => http.get<GatewaySettings>('/api/settings/gateway')
export const rotateGatewaySecret = () => http.post<GatewaySettings>('/api/settings/gateway/rotate')
