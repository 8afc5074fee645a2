import { Empty, Spin, Tree, type TreeDataNode as DataNode, type TreeProps } from 'antd'
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { isWithin } from '../../domain/regions/code.js'
import { fetchChildren, fetchRegion, fetchRootRegion, type Region } from '../lib/regions-api.js'

type Props = {
  /** Highlighted region; when it is deep in the tree, the branches down to it are opened. */
  selectedCode?: string
  onSelect: (region: Region) => void
  height?: number
}

/**
 * The user's own region as the root, children fetched when a branch opens: a city has about
 * 1,500 villages, too many to send at once and rarely all wanted.
 */
export function RegionTree({ selectedCode, onSelect, height }: Props) {
  const [root, setRoot] = useState<Region | null>(null)
  const [failed, setFailed] = useState(false)
  const [children, setChildren] = useState<Record<string, Region[]>>({})
  const [expanded, setExpanded] = useState<string[]>([])
  const byCode = useRef(new Map<string, Region>())

  const remember = (list: Region[]) => { for (const r of list) byCode.current.set(r.code, r) }

  useEffect(() => {
    fetchRootRegion()
      .then(async (r) => {
        remember([r])
        setRoot(r)
        if (r.childCount > 0) {
          const kids = await fetchChildren(r.code)
          remember(kids)
          setChildren({ [r.code]: kids })
          setExpanded([r.code])
        }
      })
      .catch(() => setFailed(true))
  }, [])

  const loadChildren = useCallback(async (code: string) => {
    const kids = await fetchChildren(code)
    remember(kids)
    setChildren((c) => ({ ...c, [code]: kids }))
    return kids
  }, [])

  // Open the way to a region picked elsewhere (search box), loading each level on the way.
  useEffect(() => {
    if (!root || !selectedCode || !isWithin(selectedCode, root.code)) return
    const known = byCode.current.get(selectedCode)
    if (known) {
      // Already loaded: open its ancestors in case they were folded.
      const up: string[] = []
      for (let c = known.parentCode; c && byCode.current.has(c) && isWithin(c, root.code); c = byCode.current.get(c)!.parentCode) up.push(c)
      setExpanded((e) => (up.every((c) => e.includes(c)) ? e : [...new Set([...e, ...up])]))
      return
    }
    let live = true
    void (async () => {
      const r = await fetchRegion(selectedCode)
      const ancestors = r.path.map((p) => p.code).filter((c) => c !== selectedCode && isWithin(c, root.code))
      for (const code of ancestors) {
        if (!live) return
        if (!children[code]) await loadChildren(code)
      }
      if (live) setExpanded((e) => [...new Set([...e, ...ancestors])])
    })().catch(() => {})
    return () => { live = false }
    // Only a new selection should trigger the walk, not each branch it loads.
  }, [root, selectedCode])

  const treeData = useMemo(() => {
    if (!root) return []
    const build = (r: Region): DataNode => ({
      key: r.code,
      title: r.name,
      isLeaf: r.childCount === 0,
      children: children[r.code]?.map(build),
    })
    return [build(root)]
  }, [root, children])

  const onLoadData = useCallback(async (node: Parameters<NonNullable<TreeProps['loadData']>>[0]) => {
    const code = String(node.key)
    if (!children[code]) await loadChildren(code)
  }, [children, loadChildren])

  if (failed) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="区划加载失败" />
  if (!root) return <Spin size="small" style={{ display: 'block', padding: 16 }} />

  return (
    <div data-testid="region-tree">
      <Tree
        blockNode
        showLine={{ showLeafIcon: false }}
        treeData={treeData}
        loadData={onLoadData}
        expandedKeys={expanded}
        onExpand={(keys) => setExpanded(keys.map(String))}
        selectedKeys={selectedCode ? [selectedCode] : []}
        height={height}
        onSelect={(_keys, info) => {
          const r = byCode.current.get(String(info.node.key))
          if (r) onSelect(r)
        }}
        titleRender={(node) => <span data-code={String(node.key)}>{String(node.title)}</span>}
      />
    </div>
  )
}
