import { Grid, List, Segmented, Select, Table, Tag, Typography, type TableColumnsType } from 'antd'
import { useMemo, useState } from 'react'
import { pagination } from '../../components/PageTable.js'
import { usePagedList } from '../../lib/use-paged-list.js'
import { listImportRows, remapImport, type Annex, type ImportRow, type Outcome, type Problem } from './api.js'
import { OUTCOMES } from './labels.js'

/** One line of the preview table: a problem of a row, or a row without problems. */
type Line = {
  key: string; rowNo: number; outcome: string; column: string | null; value: string; message: string | null
  /** The problem's column key and the regions its name may mean, for the user to choose. */
  choice?: { column: string; text: string; candidates: NonNullable<Problem['candidates']> }
}

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
      ...(p.candidates?.length ? { choice: { column: p.column, text: p.value, candidates: p.candidates } } : {}),
    }))
    : [{ key: `${r.rowNo}`, rowNo: r.rowNo, outcome: r.outcome, column: null, value: describeRow(annex, r.data), message: null }]))
}

type Props = {
  importId: number
  annex: Annex
  errorRows: number
  /** The rows to show first until the user picks (the first outcome that has rows). */
  preferred?: Outcome
  /** Given while the import may still be read again: a region chosen for a name re-reads it. */
  onRemapped?: () => void
}

/**
 * The preview, filtered by what would happen to each row; problems name row, column and value.
 * A name that fits several regions offers them to choose from (the choice holds for that name
 * throughout the file). A table on wide screens, a list of cards on a phone.
 */
export function ImportRowsTable({ importId, annex, errorRows, preferred, onRemapped }: Props) {
  const [chosen, setOutcome] = useState<Outcome | null>(null)
  const outcome: Outcome = chosen ?? (errorRows > 0 ? 'error' : preferred ?? 'create')
  const list = usePagedList((p, signal) => listImportRows(importId, p, signal), { outcome }, 50)
  const lines = useMemo(() => toLines(annex, list.items), [annex, list.items])
  const wide = Grid.useBreakpoint().md ?? false
  const [choosing, setChoosing] = useState(false)

  const choose = async (choice: NonNullable<Line['choice']>, regionCode: string) => {
    setChoosing(true)
    try {
      await remapImport(importId, { columns: [], regions: [{ column: choice.column, text: choice.text, regionCode }] })
      onRemapped?.()
    } catch {
      // shown by the http client
    } finally {
      setChoosing(false)
    }
  }

  const problem = (l: Line) => (
    <>
      {l.message ? <span style={{ color: '#cf1322' }}>{l.message}</span> : '—'}
      {l.choice && onRemapped && (
        <Select
          placeholder={`选择“${l.choice.text}”所指的区划`}
          options={l.choice.candidates.map((c) => ({ value: c.code, label: c.fullName }))}
          onChange={(code: string) => choose(l.choice!, code)}
          disabled={choosing}
          style={{ width: '100%', marginTop: 6 }}
          data-testid="ledger-region-choice"
        />
      )}
    </>
  )

  const columns: TableColumnsType<Line> = [
    { title: '行', dataIndex: 'rowNo', width: 90, render: (v: number) => <span className="sw-num">第 {v} 行</span> },
    { title: '结果', dataIndex: 'outcome', width: 80, render: (v: Outcome) => <Tag color={OUTCOMES[v]?.color}>{OUTCOMES[v]?.label ?? v}</Tag> },
    { title: '列', dataIndex: 'column', width: 140, render: (v: string | null) => v ?? '—' },
    { title: '值', dataIndex: 'value', ellipsis: true, render: (v: string) => v || '（空）' },
    { title: '问题', dataIndex: 'message', render: (_v, l) => problem(l) },
  ]
  const pages = { ...pagination(list), showTotal: (total: number) => `共 ${total} 行` }

  return (
    <div data-testid="ledger-rows">
      <div style={{ overflowX: 'auto', marginBottom: 8 }}>
        <Segmented
          value={outcome}
          onChange={(v) => setOutcome(v as Outcome)}
          options={(Object.keys(OUTCOMES) as Outcome[]).map((o) => ({ value: o, label: OUTCOMES[o].label }))}
          data-testid="ledger-rows-outcome"
        />
      </div>
      {wide ? (
        <Table<Line> rowKey="key" size="small" bordered columns={columns} dataSource={lines} loading={list.loading} pagination={pages} data-testid="ledger-problems" />
      ) : (
        <List<Line>
          size="small"
          bordered
          dataSource={lines}
          loading={list.loading}
          pagination={{
            current: list.page, pageSize: list.pageSize, total: list.total, simple: true, size: 'small', align: 'center',
            onChange: (page, pageSize) => list.goTo(page, pageSize),
          }}
          data-testid="ledger-problems"
          renderItem={(l) => (
            <List.Item key={l.key} style={{ display: 'block' }}>
              <Typography.Text className="sw-num">第 {l.rowNo} 行</Typography.Text>{' '}
              <Tag color={OUTCOMES[l.outcome as Outcome]?.color}>{OUTCOMES[l.outcome as Outcome]?.label ?? l.outcome}</Tag>
              {l.column && <Typography.Text type="secondary">“{l.column}”</Typography.Text>}
              <div style={{ wordBreak: 'break-all' }}>{l.value || '（空）'}</div>
              {l.message && <div style={{ wordBreak: 'break-all' }}>{problem(l)}</div>}
            </List.Item>
          )}
        />
      )}
    </div>
  )
}
