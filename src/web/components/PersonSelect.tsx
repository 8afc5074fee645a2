import { Select } from 'antd'
import { useRemoteSearch } from '../lib/use-remote-search.js'
import { listPeople, type Person } from '../lib/directory-api.js'

type Props = {
  value?: number | null
  onChange?: (id: number | null, person?: Person) => void
  regionCode?: string
  /** Shown for `value` before a search has found it (the member being edited). */
  initialLabel?: string | null
  placeholder?: string
}

/** Searchable person choice by name, post or unit: the first 20 matches, asked of the server. */
export function PersonSelect({ value, onChange, regionCode, initialLabel, placeholder = '输入姓名搜索人员' }: Props) {
  const { found, loading, setQ, nameOf } = useRemoteSearch(
    (q, signal) => listPeople({ regionCode, q, page: 1, pageSize: 20 }, signal).then((r) => r.items), [regionCode])
  const describe = (p: Person) => [p.unitName, p.post].filter(Boolean).join(' · ')
  const options = found.map((p) => ({ value: p.id, label: p.name, hint: describe(p) }))
  const chosenName = nameOf(value, initialLabel)
  if (value && chosenName && !options.some((o) => o.value === value)) options.unshift({ value, label: chosenName, hint: '' })

  return (
    <Select
      value={value ?? undefined}
      onChange={(v) => onChange?.(v ?? null, found.find((p) => p.id === v))}
      showSearch={{ filterOption: false, onSearch: setQ }}
      options={options}
      loading={loading}
      placeholder={placeholder}
      notFoundContent={loading ? '正在查找…' : '没有符合的人员，请先在人员通讯录中添加'}
      optionRender={(o) => (
        <div>
          <span>{o.label}</span>
          {o.data.hint && <span style={{ marginLeft: 8, fontSize: 12, color: '#8c8c8c' }}>{o.data.hint}</span>}
        </div>
      )}
      popupMatchSelectWidth={false}
      style={{ width: '100%' }}
    />
  )
}
