import { Select } from 'antd'
import { useRemoteSearch } from '../lib/use-remote-search.js'
import { listPeople, type Person } from '../lib/directory-api.js'

type Props = {
  value?: number | null
  onChange?: (id: number | null) => void
  /** Name shown for `value` before a search has found it (the record being edited). */
  initialLabel?: string | null
  placeholder?: string
  'data-testid'?: string
}

/**
 * A person from the directory, found by name, post or phone as the user types. Responsible people
 * and liaisons are chosen, never typed in, so their phones stay in one place (人员通讯录).
 */
export function PersonPicker({ value, onChange, initialLabel, placeholder = '输入姓名搜索人员通讯录', ...rest }: Props) {
  const { found, loading, setQ, nameOf } = useRemoteSearch(
    (q, signal) => listPeople({ q, page: 1, pageSize: 20 }, signal).then((r) => r.items), [])
  const options = found.map((p) => ({ value: p.id, label: p.name, hint: [p.unitName, p.post, p.mobile].filter(Boolean).join(' · ') }))
  const chosenName = nameOf(value, initialLabel)
  if (value && chosenName && !options.some((o) => o.value === value)) options.unshift({ value, label: chosenName, hint: '' })

  return (
    <Select
      data-testid={rest['data-testid']}
      value={value ?? undefined}
      onChange={(v) => onChange?.(v ?? null)}
      showSearch={{ filterOption: false, onSearch: setQ }}
      options={options}
      loading={loading}
      allowClear
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
