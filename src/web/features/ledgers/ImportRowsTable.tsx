import { Segmented, Table, Tag, type TableColumnsType } from 'antd'
import { useMemo, useState } from 'react'
import { pagination } from '../../components/PageTable.js'
import { usePagedList } from '../../lib/use-paged-list.js'
import { listImportRows, type Annex, type ImportRow, type Outcome } from './api.js'
import { OUTCOMES } from './labels.js'

/** One line of the preview table: a problem of a row, or a row without problems. */
type Line = { key: string; rowNo: number; outcome: string; column: string | null; value: string; message: string | null }

/** Columns that say which record a row is, in the order they are shown. */
const IDENTIFYING = ['holder', 'township', 'village', 'teamName', 'name', 'specification', 'quantity', 'unit', 'headName', 'liaisonName']

function describeRow(annex: Annex, data: Record<string, unknown>): string {
  const keys = IDENTIFYING.filter((k) => annex.columns.some((c) => c.key === k))
  return keys
    .map((k) => data[k])
    .filter((v) => v !== null && v !== undefined && v !== '' && typeof v !== 'object')
    .map(String)
    .join(' · ')
}

export function toLines(annex: Annex, rows: readonly ImportRow[]): Line[] {
  return rows.flatMap((r): Line[] => (r.problems.length
    ? r.problems.map((p, i) => ({
      key: `${r.rowNo}-${i}`, rowNo: r.rowNo, outcome: r.outcome, column: p.columnLabel, value: p.value, message: p.message,
    }))
    : [{ key: `${r.rowNo}`, rowNo: r.rowNo, outcome: r.outcome, column: null, value: describeRow(annex, r.data), message: null }]))
}

/** The preview, filtered by what would happen to each row; problems name row, column and value. */
export function ImportRowsTable({ importId, annex, errorRows }: { importId: number; annex: Annex; errorRows: number }) {
  const [outcome, setOutcome] = useState<Outcome>(errorRows > 0 ? 'error' : 'create')
  const list = usePagedList((p, signal) => listImportRows(importId, p, signal), { outcome }, 50)
  const lines = useMemo(() => toLines(annex, list.items), [annex, list.items])

  const columns: TableColumnsType<Line> = [
    { title: '行', dataIndex: 'rowNo', width: 90, render: (v: number) => <span className="sw-num">第 {v} 行</span> },
    { title: '结果', dataIndex: 'outcome', width: 80, render: (v: Outcome) => <Tag color={OUTCOMES[v]?.color}>{OUTCOMES[v]?.label ?? v}</Tag> },
    { title: '列', dataIndex: 'column', width: 140, render: (v: string | null) => v ?? '—' },
    { title: '值', dataIndex: 'value', ellipsis: true, render: (v: string) => v || '（空）' },
    { title: '问题', dataIndex: 'message', render: (v: string | null) => (v ? <span style={{ color: '#cf1322' }}>{v}</span> : '—') },
  ]

  return (
    <div data-testid="ledger-rows">
      <Segmented
        style={{ marginBottom: 8 }}
        value={outcome}
        onChange={(v) => setOutcome(v as Outcome)}
        options={(Object.keys(OUTCOMES) as Outcome[]).map((o) => ({ value: o, label: OUTCOMES[o].label }))}
        data-testid="ledger-rows-outcome"
      />
      <Table<Line>
        rowKey="key"
        size="small"
        bordered
        columns={columns}
        dataSource={lines}
        loading={list.loading}
        pagination={{ ...pagination(list), showTotal: (total) => `共 ${total} 行` }}
        data-testid="ledger-problems"
      />
    </div>
  )
}
