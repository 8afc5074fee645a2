import { RESOURCE_KINDS, type ResourceKind } from '../resources/kinds.js'

/**
 * Layers of the one-map (应急一张图). Each resource kind is a layer; supply and equipment lines
 * kept at a storage point are drawn through that point (its popup lists them), so the `supply`
 * layer holds only the lines placed elsewhere. `unit` (organisations) is reserved for when units
 * carry positions.
 */
export const MAP_LAYERS = {
  team: '应急救援队伍',
  expert: '应急专家',
  storage_point: '储备点/储备库',
  shelter: '应急避难场所',
  risk_point: '风险隐患点',
  supplier: '保供单位',
  supply: '物资装备（储备点外）',
  unit: '组织机构',
} as const satisfies Record<ResourceKind | 'supply' | 'unit', string>
export type MapLayer = keyof typeof MAP_LAYERS
export const MAP_LAYER_KEYS = Object.keys(MAP_LAYERS) as MapLayer[]

/** Layers the server draws today. */
export const DRAWN_LAYERS = [...(Object.keys(RESOURCE_KINDS) as ResourceKind[]), 'supply'] as const
export type DrawnLayer = (typeof DRAWN_LAYERS)[number]

export function isResourceLayer(layer: string): layer is ResourceKind {
  return layer in RESOURCE_KINDS
}

/** Shown in the legend for records without a position. */
export const UNLOCATED_LABEL = '位置待补充'
