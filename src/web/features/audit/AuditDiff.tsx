import { Descriptions, Table, Typography } from 'antd'
import { BLANK } from '../../lib/format.js'
import type { AuditRow } from './api.js'
import { changesOf } from './changes.js'

function show(v: unknown): string {
  if (v === undefined) return BLANK
  if (v === null) return '（空）'
  if (typeof v === 'string') return v
  return JSON.stringify(v)
}

/** The expanded row of an audit entry: what changed, and the chain hashes that seal it. */
export function AuditDiff({ row }: { row: AuditRow }) {
  const changes = changesOf(row.before, row.after)
  const hasBefore = row.before !== null && row.before !== undefined
  const hasAfter = row.after !== null && row.after !== undefined
  return (
    <div style={{ padding: '4px 0' }} data-testid="audit-diff">
      {changes.length > 0 ? (
        <Table
          size="small"
          bordered
          pagination={false}
          rowKey="field"
          dataSource={changes}
          rowClassName={(c) => (c.changed && hasBefore && hasAfter ? 'sw-audit-changed' : '')}
          columns={[
            { title: '字段', dataIndex: 'field', width: 180, render: (f: string) => <Typography.Text code>{f}</Typography.Text> },
            ...(hasBefore ? [{ title: '修改前', dataIndex: 'before', render: (v: unknown) => <span className="sw-audit-value">{show(v)}</span> }] : []),
            ...(hasAfter ? [{ title: hasBefore ? '修改后' : '内容', dataIndex: 'after', render: (v: unknown) => <span className="sw-audit-value">{show(v)}</span> }] : []),
          ]}
        />
      ) : (
        <Typography.Text type="secondary">此操作未记录数据内容。</Typography.Text>
      )}
      <Descriptions
        size="small"
        column={1}
        style={{ marginTop: 8 }}
        items={[
          { key: 'hash', label: '本条校验码', children: <Typography.Text code style={{ fontSize: 12, wordBreak: 'break-all' }}>{row.hash}</Typography.Text> },
          { key: 'prev', label: '上条校验码', children: <Typography.Text code style={{ fontSize: 12, wordBreak: 'break-all' }}>{row.prevHash}</Typography.Text> },
        ]}
      />
    </div>
  )
}
