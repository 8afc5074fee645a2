import { TreeSelect } from 'antd'
import { REGION_LEVEL_LABELS, type RegionLevel } from '../../domain/regions/code.js'
import { useRegionTree } from './use-region-tree.js'

type Props = {
  value?: string
  onChange?: (code: string | undefined) => void
  placeholder?: string
  disabled?: boolean
  allowClear?: boolean
  /** Only regions of this level may be picked (a role tied to a level); others just open. */
  level?: RegionLevel
  'data-testid'?: string
}

/**
 * Region choice limited to the user's jurisdiction: the tree starts at their own region, and the
 * server refuses anything outside it anyway. Branches load when opened.
 */
export function RegionPicker({ value, onChange, placeholder = '请选择区划', disabled, allowClear, level, ...rest }: Props) {
  const { nodes, treeProps } = useRegionTree(value ? [value] : [], { level, reveal: true })
  return (
    <TreeSelect
      {...treeProps}
      data-testid={rest['data-testid']}
      value={value && nodes.has(value) ? value : undefined}
      onChange={(v) => onChange?.(v ?? undefined)}
      placeholder={level ? `${placeholder}（${REGION_LEVEL_LABELS[level]}）` : placeholder}
      disabled={disabled}
      allowClear={allowClear}
    />
  )
}
