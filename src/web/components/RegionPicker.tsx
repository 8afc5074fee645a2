import { TreeSelect } from 'antd'
import { useCallback, useEffect, useMemo, useState } from 'react'
import { isWithin, REGION_LEVEL_LABELS, type RegionLevel } from '../../domain/regions/code.js'
import { fetchChildren, fetchRegion, fetchRootRegion, type Region } from '../features/regions/api.js'

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

  // A value set from a record (editing) may be deep below: load the branches down to it.
  useEffect(() => {
    if (!rootCode || !value || nodes.has(value) || !isWithin(value, rootCode)) return
    let live = true
    void (async () => {
      const r = await fetchRegion(value)
      for (const p of r.path) {
        if (!live) return
        if (p.code === value || !isWithin(p.code, rootCode)) continue
        if (!loaded.has(p.code)) add(await fetchChildren(p.code), p.code)
        setExpanded((e) => (e.includes(p.code) ? e : [...e, p.code]))
      }
    })().catch(() => {})
    return () => { live = false }
  }, [rootCode, value])

  const treeData = useMemo(() => [...nodes.values()].map((r) => ({
    id: r.code,
    pId: r.code === rootCode ? null : r.parentCode,
    value: r.code,
    title: r.name,
    label: r.fullName,
    isLeaf: r.childCount === 0,
    selectable: !level || r.level === level,
  })), [nodes, rootCode, level])

  return (
    <TreeSelect
      data-testid={rest['data-testid']}
      value={value && nodes.has(value) ? value : undefined}
      onChange={(v) => onChange?.(v ?? undefined)}
      treeDataSimpleMode
      treeData={treeData}
      loadData={async (node) => {
        const code = String(node.value)
        if (loaded.has(code)) return
        add(await fetchChildren(code), code)
      }}
      treeNodeLabelProp="label"
      treeExpandedKeys={expanded}
      onTreeExpand={(keys) => setExpanded(keys.map(String))}
      showSearch
      treeNodeFilterProp="title"
      placeholder={level ? `${placeholder}（${REGION_LEVEL_LABELS[level]}）` : placeholder}
      disabled={disabled}
      allowClear={allowClear}
      popupMatchSelectWidth={false}
      styles={{ popup: { root: { minWidth: 320, maxHeight: 420 } } }}
      style={{ width: '100%' }}
    />
  )
}
