import { Button, Popconfirm, Space, Tag, type TableColumnsType } from 'antd'
import { PagedTable } from '../../components/PageTable.js'
import { toast } from '../../lib/feedback.js'
import { formatTime } from '../../lib/format.js'
import { usePagedList } from '../../lib/use-paged-list.js'
import { deleteImport, listImports, type ImportDetail } from './api.js'
import { IMPORT_STATUS, summaryLines } from './labels.js'

type Props = {
  regionCode: string
  tick: number
  onOpen: (imp: ImportDetail) => void
  /** Given when the user may delete batches not yet committed (a failed one, or one whose reading stopped). */
  onDeleted?: (imp: ImportDetail) => void
}

/** Imports made for the region and below, newest first; one can be reopened to finish or review. */
export function ImportHistory({ regionCode, tick, onOpen, onDeleted }: Props) {
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
    {
      title: '', key: 'open', width: 120, render: (_v, i) => (
        <Space size={0}>
          <Button type="link" size="small" onClick={() => onOpen(i)}>查看</Button>
          {onDeleted && i.status !== 'committed' && (
            <Popconfirm
              title={`删除“${i.fileName}”？`}
              description="删除这次上传及其预览；已经导入的数据不受影响。"
              okText="删除"
              okButtonProps={{ danger: true }}
              onConfirm={async () => {
                try {
                  await deleteImport(i.id)
                  toast.success(`已删除“${i.fileName}”`)
                  onDeleted(i)
                } catch {
                  // shown by the http client; the reload shows what the server has
                } finally {
                  list.reload()
                }
              }}
            >
              <Button type="link" size="small" danger data-testid="ledger-import-delete">删除</Button>
            </Popconfirm>
          )}
        </Space>
      ),
    },
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
