import { Select } from 'antd'
import { useRef, useState } from 'react'
import { searchRegions, type RegionHit } from '../../lib/regions-api.js'

type Props = { value?: string; onChange: (code: string | undefined) => void; 'data-testid'?: string }

/**
 * A village (村/社区) by typing part of its name: in an emergency the caller names the village,
 * and searching is quicker than opening township after township in a tree.
 */
export function VillageSearch({ value, onChange, ...rest }: Props) {
  const [hits, setHits] = useState<RegionHit[]>([])
  const [loading, setLoading] = useState(false)
  const abort = useRef<AbortController | null>(null)

  const search = (q: string) => {
    abort.current?.abort()
    if (!q.trim()) {
      setHits([])
      return
    }
    const ac = new AbortController()
    abort.current = ac
    setLoading(true)
    searchRegions(q.trim(), 30, ac.signal)
      .then((r) => { if (!ac.signal.aborted) setHits(r.items.filter((h) => h.level === 'village')) })
      .catch(() => {})
      .finally(() => { if (!ac.signal.aborted) setLoading(false) })
  }

  return (
    <Select
      data-testid={rest['data-testid']}
      showSearch={{ filterOption: false, onSearch: search }}
      allowClear
      value={value}
      onChange={(v) => onChange(v ?? undefined)}
      loading={loading}
      placeholder="输入村（社区）名称查找"
      notFoundContent={null}
      options={hits.map((h) => ({ value: h.code, label: h.fullName }))}
      style={{ width: '100%' }}
    />
  )
}
