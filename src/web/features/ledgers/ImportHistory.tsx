import { Button, Tag, type TableColumnsType } from 'antd'
import { PagedTable } from '../../components/PageTable.js'
import { formatTime } from '../../lib/format.js'
import { usePagedList } from '../../lib/use-paged-list.js'
import { listImports, type ImportDetail } from './api.js'
import { IMPORT_STATUS, summaryLines } from './labels.js'

/** Imports made for the region and below, newest first; one can be reopened to finish or review. */
export function ImportHistory({ regionCode, tick, onOpen }: { regionCode: string; tick: number; onOpen: (imp: ImportDetail) => void }) {
  // `tick` only refetches after an import changed; the server is sent the real filters.
  const list = usePagedList((p, signal) => listImports({ regionCode: p.regionCode, page: p.page, pageSize: p.pageSize }, signal), { regionCode, tick }, 10)
  const columns: TableColumnsType<ImportDetail> = [
    { title: '上传时间', dataIndex: 'createdAt', width: 140, render: (v: string) => <span className="sw-num">{formatTime(v)}</span> },
    { title: '附件', dataIndex: 'annexTitle', width: 220, ellipsis: true },
    { title: '文件', dataIndex: 'fileName', ellipsis: true },
    { title: '区划', dataIndex: 'regionName', width: 200, ellipsis: true },
    { title: '状态', dataIndex: 'status', width: 80, render: (v: string) => <Tag color={IMPORT_STATUS[v]?.color}>{IMPORT_STATUS[v]?.label ?? v}</Tag> },
    { title: '行数（有效/问题）', key: 'rows', width: 140, render: (_v, i) => <span className="sw-num">{i.totalRows}（{i.validRows}/{i.errorRows}）</span> },
    { title: '结果', key: 'result', ellipsis: true, render: (_v, i) => (i.status === 'failed' ? i.message : summaryLines(i.summary).join('；') || '—') },
    { title: '', key: 'open', width: 70, render: (_v, i) => <Button type="link" size="small" onClick={() => onOpen(i)}>查看</Button> },
  ]
  return (
    <PagedTable<ImportDetail>
      list={list}
      columns={columns}
      scroll={{ x: 1100 }}
      data-testid="ledger-history"
    />
  )
}
