import { Select } from 'antd'
import type { CSSProperties } from 'react'
import { RESOURCE_KINDS, type ResourceKind } from '../../domain/resources/kinds.js'
import { useRemoteSearch } from '../lib/use-remote-search.js'
import { listResources, type Resource } from '../lib/resources-api.js'

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
  const { found, loading, setQ, nameOf } = useRemoteSearch(
    (q, signal) => listResources(kind, { regionCode, q, page: 1, pageSize: 20 }, signal).then((r) => r.items),
    [kind, regionCode],
  )
  const options = found.filter((r) => r.id !== exclude).map((r) => ({ value: r.id, label: r.name, hint: r.regionName }))
  const chosenName = nameOf(value, initialLabel)
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
