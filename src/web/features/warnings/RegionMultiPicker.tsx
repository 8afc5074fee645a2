import { TreeSelect } from 'antd'
import { useRegionTree } from '../../components/use-region-tree.js'

type Props = {
  value?: string[]
  onChange?: (codes: string[]) => void
  /** The chosen regions' names, for text that follows the choice (可能影响的范围). */
  onNames?: (names: string[]) => void
  placeholder?: string
  disabled?: boolean
  'data-testid'?: string
}

/** Several regions of the user's jurisdiction, each standing for its whole subtree. */
export function RegionMultiPicker({ value = [], onChange, placeholder = '选择预警范围内的区划（含下级）', disabled, onNames, ...rest }: Props) {
  const { nodes, treeProps } = useRegionTree(value)
  return (
    <TreeSelect
      {...treeProps}
      data-testid={rest['data-testid']}
      multiple
      value={value.filter((c) => nodes.has(c))}
      onChange={(v: string[]) => {
        onChange?.(v)
        onNames?.(v.map((c) => nodes.get(c)?.name ?? c))
      }}
      placeholder={placeholder}
      disabled={disabled}
      allowClear
    />
  )
}
