import { Select } from 'antd'
import { useEffect, useRef, useState } from 'react'
import { listPeople, type Person } from '../directory/people-api.js'

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
  const [q, setQ] = useState('')
  const [found, setFound] = useState<Person[]>([])
  const [loading, setLoading] = useState(false)
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined)

  useEffect(() => {
    const ac = new AbortController()
    clearTimeout(timer.current)
    // Wait for a pause in typing: each keystroke of a name would otherwise be a query.
    timer.current = setTimeout(() => {
      setLoading(true)
      listPeople({ q: q.trim() || undefined, page: 1, pageSize: 20 }, ac.signal)
        .then((r) => setFound(r.items))
        .catch(() => {})
        .finally(() => { if (!ac.signal.aborted) setLoading(false) })
    }, q ? 250 : 0)
    return () => {
      clearTimeout(timer.current)
      ac.abort()
    }
  }, [q])

  // Names seen so far, so the chosen person keeps a name when a new search drops them.
  const seen = useRef(new Map<number, string>())
  for (const p of found) seen.current.set(p.id, p.name)
  const options = found.map((p) => ({ value: p.id, label: p.name, hint: [p.unitName, p.post, p.mobile].filter(Boolean).join(' · ') }))
  const chosenName = value ? seen.current.get(value) ?? initialLabel : null
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
