import { Select } from 'antd'
import { useRemoteSearch } from '../lib/use-remote-search.js'
import { listUnits, type Unit } from '../lib/directory-api.js'

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
  const { found: options, loading, setQ, nameOf } = useRemoteSearch(
    (q, signal) => listUnits({ regionCode, q, page: 1, pageSize: 20 }, signal).then((r) => r.items), [regionCode])
  const opts = options.map((u) => ({ value: u.id, label: u.name, title: `${u.name}（${u.regionName}）` }))
  const chosenName = nameOf(value, initialLabel)
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
