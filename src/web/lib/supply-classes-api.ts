import type { SupplyClass } from '../../server/features/supplies/schema.js'
import { http } from './http.js'

/** The GB/T 38565 classes as a flat list; supply lines, agreements and roll-ups choose from them. */
export const listSupplyClasses = () => http.get<SupplyClass[]>('/api/supply-classes')
