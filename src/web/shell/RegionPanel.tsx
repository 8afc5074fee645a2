import { AimOutlined } from '@ant-design/icons'
import { AutoComplete, Button, Input, Tooltip, Typography } from 'antd'
import { useEffect, useRef, useState } from 'react'
import { REGION_LEVEL_LABELS } from '../../domain/regions/code.js'
import { RegionTree } from '../components/RegionTree.js'
import { searchRegions, type RegionHit } from '../lib/regions-api.js'
import { useRegionFilter } from './region-filter.js'

/** The region navigator beside directory pages: the choice filters their lists. */
export function RegionPanel() {
  const { region, setRegion, home } = useRegionFilter()
  const [q, setQ] = useState('')
  const [hits, setHits] = useState<RegionHit[]>([])
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined)

  useEffect(() => {
    clearTimeout(timer.current)
    const text = q.trim()
    if (!text) {
      setHits([])
      return
    }
    const ac = new AbortController()
    // Wait for a pause in typing: each keystroke of a name would otherwise be a query.
    timer.current = setTimeout(() => {
      searchRegions(text, 20, ac.signal).then((r) => setHits(r.items)).catch(() => {})
    }, 250)
    return () => {
      clearTimeout(timer.current)
      ac.abort()
    }
  }, [q])

  return (
    <aside className="sw-region-panel" aria-label="行政区划导航">
      <div className="sw-region-panel-head">
        <Typography.Text strong>行政区划</Typography.Text>
        {region.code !== home.code && (
          <Tooltip title={`回到本级：${home.name}`}>
            <Button size="small" type="link" icon={<AimOutlined />} onClick={() => setRegion(home)}>本级</Button>
          </Tooltip>
        )}
      </div>
      <AutoComplete
        value={q}
        onChange={setQ}
        options={hits.map((h) => ({
          value: h.code,
          label: (
            <div title={h.fullName}>
              <div>{h.name}</div>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>{REGION_LEVEL_LABELS[h.level]} · {h.fullName}</Typography.Text>
            </div>
          ),
        }))}
        onSelect={(code: string) => {
          const hit = hits.find((h) => h.code === code)
          if (hit) setRegion({ code: hit.code, name: hit.fullName })
          setQ('')
        }}
        style={{ width: '100%' }}
      >
        <Input.Search placeholder="搜索乡镇、村社区" allowClear size="small" data-testid="region-search" />
      </AutoComplete>
      <div className="sw-region-current" data-testid="region-current" title={region.name}>
        当前：{region.name}
      </div>
      <div className="sw-region-tree">
        <RegionTree selectedCode={region.code} onSelect={(r) => setRegion({ code: r.code, name: r.fullName })} />
      </div>
    </aside>
  )
}
