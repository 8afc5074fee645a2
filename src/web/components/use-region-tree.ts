import { useCallback, useEffect, useMemo, useState } from 'react'
import { isWithin, type RegionLevel } from '../../domain/regions/code.js'
import { fetchChildren, fetchRegion, fetchRootRegion, type Region } from '../lib/regions-api.js'

/**
 * The region tree behind the pickers: it starts at the user's own region and loads a branch when
 * it is opened. Codes already chosen (a record being edited, a saved draft) may lie deep below:
 * the branches down to them are loaded so that their names show, and opened when `reveal` is set.
 */
export function useRegionTree(chosen: readonly string[], opts: { level?: RegionLevel; reveal?: boolean } = {}) {
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

  const missing = chosen.filter((c) => !nodes.has(c)).join(',')
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
          if (p.code === code || !isWithin(p.code, rootCode)) continue
          if (!done.has(p.code)) {
            add(await fetchChildren(p.code), p.code)
            done.add(p.code)
          }
          if (opts.reveal) setExpanded((e) => (e.includes(p.code) ? e : [...e, p.code]))
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
    selectable: !opts.level || r.level === opts.level,
  })), [nodes, rootCode, opts.level])

  const loadData = async (node: { value?: unknown }) => {
    const code = String(node.value)
    if (loaded.has(code)) return
    add(await fetchChildren(code), code)
  }

  /** The TreeSelect props every picker shares. */
  const treeProps = {
    treeDataSimpleMode: true,
    treeData,
    loadData,
    treeNodeLabelProp: 'label',
    treeExpandedKeys: expanded,
    onTreeExpand: (keys: readonly React.Key[]) => setExpanded(keys.map(String)),
    showSearch: true,
    treeNodeFilterProp: 'title',
    popupMatchSelectWidth: false,
    styles: { popup: { root: { minWidth: 320, maxHeight: 420 } } },
    style: { width: '100%' },
  } as const
  return { nodes, treeProps }
}
