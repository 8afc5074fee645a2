import { Select } from 'antd'
import { useEffect, useRef, useState } from 'react'
import { listUnits, type Unit } from './units-api.js'

type Props = {
  value?: number | null
  onChange?: (id: number | null) => void
  /** Units of this region and below; the record's own region when editing. */
  regionCode?: string
  /** Name to show for `value` before the options arrive (from the record being edited). */
  initialLabel?: string | null
  placeholder?: string
  'data-testid'?: string
}

/** Searchable unit choice: the first 20 matches of what is typed, asked of the server. */
export function UnitSelect({ value, onChange, regionCode, initialLabel, placeholder = '输入名称搜索单位', ...rest }: Props) {
  const [q, setQ] = useState('')
  const [options, setOptions] = useState<Unit[]>([])
  const [loading, setLoading] = useState(false)
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined)

  useEffect(() => {
    const ac = new AbortController()
    clearTimeout(timer.current)
    timer.current = setTimeout(() => {
      setLoading(true)
      listUnits({ regionCode, q: q.trim() || undefined, page: 1, pageSize: 20 }, ac.signal)
        .then((r) => setOptions(r.items))
        .catch(() => {})
        .finally(() => { if (!ac.signal.aborted) setLoading(false) })
    }, q ? 250 : 0)
    return () => {
      clearTimeout(timer.current)
      ac.abort()
    }
  }, [q, regionCode])

  // Names of units seen so far, so the chosen one keeps its name when a new search drops it.
  const seen = useRef(new Map<number, string>())
  for (const u of options) seen.current.set(u.id, u.name)
  const opts = options.map((u) => ({ value: u.id, label: u.name, title: `${u.name}（${u.regionName}）` }))
  const chosenName = value ? seen.current.get(value) ?? initialLabel : null
  if (value && chosenName && !opts.some((o) => o.value === value)) opts.unshift({ value, label: chosenName, title: chosenName })

  return (
    <Select
      data-testid={rest['data-testid']}
      value={value ?? undefined}
      onChange={(v) => onChange?.(v ?? null)}
      showSearch={{ filterOption: false, onSearch: setQ }}
      options={opts}
      loading={loading}
      allowClear
      placeholder={placeholder}
      notFoundContent={loading ? '正在查找…' : '没有符合的单位'}
      popupMatchSelectWidth={false}
      style={{ width: '100%' }}
      optionRender={(o) => (
        <div>
          <div>{o.label}</div>
          <div style={{ fontSize: 12, color: '#8c8c8c' }}>{options.find((u) => u.id === o.value)?.regionName}</div>
        </div>
      )}
    />
  )
}
