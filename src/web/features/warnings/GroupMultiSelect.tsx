import { Select } from 'antd'
import { useRemoteSearch } from '../../lib/use-remote-search.js'
import { listLinkageGroups, type LinkageGroupOption } from './api.js'

type Named = { id: number; name: string; hint: string }

/** Stored groups only: a region's own group reaches the same people as picking the region. */
function named(g: LinkageGroupOption): Named | null {
  if (g.id === null || g.id === undefined) return null
  const count = g.memberCount === undefined ? '' : `${g.memberCount} 人`
  return { id: g.id, name: g.name, hint: [g.regionName, count].filter(Boolean).join(' · ') }
}

/** 联动工作群 whose members are reached wherever they are, searched by name. */
export function GroupMultiSelect({ value = [], onChange, disabled }: { value?: number[]; onChange?: (ids: number[]) => void; disabled?: boolean }) {
  const { found, loading, setQ, nameOf } = useRemoteSearch(
    (q, signal) => listLinkageGroups({ q, page: 1, pageSize: 50 }, signal).then((r) => r.items.map(named).filter((g): g is Named => g !== null)),
    [],
  )
  const options = found.map((g) => ({ value: g.id, label: g.name, hint: g.hint }))
  for (const id of value) {
    if (!options.some((o) => o.value === id)) options.push({ value: id, label: nameOf(id) ?? `工作群 #${id}`, hint: '' })
  }

  return (
    <Select
      mode="multiple"
      value={value}
      onChange={(v: number[]) => onChange?.(v)}
      showSearch={{ filterOption: false, onSearch: setQ }}
      options={options}
      loading={loading}
      disabled={disabled}
      placeholder="可选：再发给这些联动工作群的成员"
      notFoundContent={loading ? '正在查找…' : '没有符合的联动工作群'}
      optionRender={(o) => (
        <div>
          <span>{o.label}</span>
          {o.data.hint && <span style={{ marginLeft: 8, fontSize: 12, color: '#8c8c8c' }}>{o.data.hint}</span>}
        </div>
      )}
      style={{ width: '100%' }}
      data-testid="warning-groups"
    />
  )
}
