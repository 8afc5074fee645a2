import { TreeSelect } from 'antd'
import { useCallback, useEffect, useMemo, useState } from 'react'
import { isWithin } from '../../../domain/regions/code.js'
import { fetchChildren, fetchRegion, fetchRootRegion, type Region } from '../regions/api.js'

type Props = {
  value?: string[]
  onChange?: (codes: string[]) => void
  /** The chosen regions' names, for text that follows the choice (可能影响的范围). */
  onNames?: (names: string[]) => void
  placeholder?: string
  disabled?: boolean
  'data-testid'?: string
}

/**
 * Several regions of the user's jurisdiction, each standing for its whole subtree. Branches load
 * when opened; codes already chosen (a saved draft) have the branches down to them loaded so that
 * their names show.
 */
export function RegionMultiPicker({ value = [], onChange, placeholder = '选择预警范围内的区划（含下级）', disabled, onNames, ...rest }: Props) {
  const [nodes, setNodes] = useState<Map<string, Region>>(new Map())
  const [rootCode, setRootCode] = useState<string | null>(null)
  const [loaded, setLoaded] = useState<Set<string>>(new Set())
  const [expanded, setExpanded] = useState<string[]>([])

  const add = useCallback((list: Region[], parent?: string) => {
    setNodes((m) => {
      const next = new Map(m)
      for (const r of list) next.set(r.code, r)
      return next
    })
    if (parent) setLoaded((s) => new Set(s).add(parent))
  }, [])

  useEffect(() => {
    fetchRootRegion().then(async (r) => {
      setRootCode(r.code)
      setExpanded([r.code])
      add([r])
      if (r.childCount > 0) add(await fetchChildren(r.code), r.code)
    }).catch(() => {})
  }, [add])

  const missing = value.filter((c) => !nodes.has(c)).join(',')
  useEffect(() => {
    if (!rootCode || !missing) return
    let live = true
    void (async () => {
      const done = new Set(loaded)
      for (const code of missing.split(',')) {
        if (!isWithin(code, rootCode)) continue
        const r = await fetchRegion(code)
        for (const p of r.path) {
          if (!live) return
          if (p.code === code || done.has(p.code) || !isWithin(p.code, rootCode)) continue
          add(await fetchChildren(p.code), p.code)
          done.add(p.code)
        }
      }
    })().catch(() => {})
    return () => { live = false }
  }, [rootCode, missing])

  const treeData = useMemo(() => [...nodes.values()].map((r) => ({
    id: r.code,
    pId: r.code === rootCode ? null : r.parentCode,
    value: r.code,
    title: r.name,
    label: r.fullName,
    isLeaf: r.childCount === 0,
  })), [nodes, rootCode])

  return (
    <TreeSelect
      data-testid={rest['data-testid']}
      multiple
      value={value.filter((c) => nodes.has(c))}
      onChange={(v: string[]) => {
        onChange?.(v)
        onNames?.(v.map((c) => nodes.get(c)?.name ?? c))
      }}
      treeDataSimpleMode
      treeData={treeData}
      loadData={async (node) => {
        const code = String(node.value)
        if (loaded.has(code)) return
        add(await fetchChildren(code), code)
      }}
      treeExpandedKeys={expanded}
      onTreeExpand={(keys) => setExpanded(keys.map(String))}
      treeNodeLabelProp="label"
      showSearch
      treeNodeFilterProp="title"
      placeholder={placeholder}
      disabled={disabled}
      allowClear
      popupMatchSelectWidth={false}
      styles={{ popup: { root: { minWidth: 320, maxHeight: 420 } } }}
      style={{ width: '100%' }}
    />
  )
}
