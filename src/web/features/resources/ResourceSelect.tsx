import { Select } from 'antd'
import { useEffect, useRef, useState, type CSSProperties } from 'react'
import { RESOURCE_KINDS, type ResourceKind } from '../../../domain/resources/kinds.js'
import { listResources, type Resource } from './api.js'

type Props = {
  kind: ResourceKind
  value?: number | null
  onChange?: (id: number | null, resource?: Resource) => void
  /** Records of this region and below. */
  regionCode?: string
  initialLabel?: string | null
  placeholder?: string
  /** Left out of the options (the line's own storage point when transferring). */
  exclude?: number | null
  style?: CSSProperties
  'data-testid'?: string
}

/** A storage point, team or other record of one kind, searched by name on the server. */
export function ResourceSelect({ kind, value, onChange, regionCode, initialLabel, placeholder, exclude, style, ...rest }: Props) {
  const [q, setQ] = useState('')
  const [found, setFound] = useState<Resource[]>([])
  const [loading, setLoading] = useState(false)
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined)

  useEffect(() => {
    const ac = new AbortController()
    clearTimeout(timer.current)
    timer.current = setTimeout(() => {
      setLoading(true)
      listResources(kind, { regionCode, q: q.trim() || undefined, page: 1, pageSize: 20 }, ac.signal)
        .then((r) => setFound(r.items))
        .catch(() => {})
        .finally(() => { if (!ac.signal.aborted) setLoading(false) })
    }, q ? 250 : 0)
    return () => {
      clearTimeout(timer.current)
      ac.abort()
    }
  }, [kind, q, regionCode])

  const seen = useRef(new Map<number, string>())
  for (const r of found) seen.current.set(r.id, r.name)
  const options = found.filter((r) => r.id !== exclude).map((r) => ({ value: r.id, label: r.name, hint: r.regionName }))
  const chosenName = value ? seen.current.get(value) ?? initialLabel : null
  if (value && chosenName && !options.some((o) => o.value === value)) options.unshift({ value, label: chosenName, hint: '' })

  return (
    <Select
      data-testid={rest['data-testid']}
      value={value ?? undefined}
      onChange={(v) => onChange?.(v ?? null, found.find((r) => r.id === v))}
      showSearch={{ filterOption: false, onSearch: setQ }}
      options={options}
      loading={loading}
      allowClear
      placeholder={placeholder ?? `输入名称搜索${RESOURCE_KINDS[kind]}`}
      notFoundContent={loading ? '正在查找…' : `没有符合的${RESOURCE_KINDS[kind]}`}
      optionRender={(o) => (
        <div>
          <div>{o.label}</div>
          {o.data.hint && <div style={{ fontSize: 12, color: '#8c8c8c' }}>{o.data.hint}</div>}
        </div>
      )}
      popupMatchSelectWidth={false}
      style={{ width: '100%', ...style }}
    />
  )
}
