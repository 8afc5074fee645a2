import { TreeSelect } from 'antd'
import { useMemo, type CSSProperties } from 'react'
import { useAsync } from '../lib/use-async.js'
import { listSupplyClasses } from '../lib/supply-classes-api.js'
import { classTree } from '../lib/class-tree.js'

type Props = {
  value?: string | null
  onChange?: (code: string | null) => void
  placeholder?: string
  style?: CSSProperties
  'data-testid'?: string
}

/** A GB/T 38565 class from the tree; a class stands for itself and everything below it. */
export function ClassSelect({ value, onChange, placeholder = '全部分类', style, ...rest }: Props) {
  const classes = useAsync(() => listSupplyClasses(), [])
  const tree = useMemo(() => classTree(classes.data ?? []), [classes.data])
  return (
    <TreeSelect
      data-testid={rest['data-testid']}
      value={value ?? undefined}
      onChange={(v: string | undefined) => onChange?.(v ?? null)}
      treeData={tree}
      treeLine
      allowClear
      showSearch
      treeNodeFilterProp="title"
      loading={classes.loading}
      placeholder={placeholder}
      popupMatchSelectWidth={false}
      styles={{ popup: { root: { minWidth: 300, maxHeight: 420 } } }}
      style={{ width: '100%', ...style }}
    />
  )
}
