import { Button, Select, Space, Table, Typography, type TablePaginationConfig, type TableProps } from 'antd'
import type { ReactNode } from 'react'
import type { KeyPagedList } from '../lib/use-key-paged-list.js'
import type { PagedList } from '../lib/use-paged-list.js'

/** Title row of a page: name, what it is showing (region), and page-level actions. */
export function PageHeader({ title, sub, extra }: { title: string; sub?: ReactNode; extra?: ReactNode }) {
  return (
    <div className="sw-page-head">
      <div>
        <Typography.Title level={4} className="sw-page-title">{title}</Typography.Title>
        {sub && <div className="sw-page-sub">{sub}</div>}
      </div>
      {extra && <div>{extra}</div>}
    </div>
  )
}

/** Filters on the left, actions (新增, 导出) on the right, wrapping on narrow screens. */
export function Toolbar({ filters, actions }: { filters?: ReactNode; actions?: ReactNode }) {
  return (
    <div className="sw-toolbar">
      <div className="sw-toolbar-filters">{filters}</div>
      <div className="sw-toolbar-filters">{actions}</div>
    </div>
  )
}

/** The white panel every page sits in. */
export function Page({ children, testId }: { children: ReactNode; testId?: string }) {
  return <div className="sw-page" data-testid={testId}>{children}</div>
}

/** Server-side pagination of a `usePagedList` list, with the total shown the usual way. */
export function pagination(list: PagedList<unknown>): TablePaginationConfig {
  return {
    current: list.page,
    pageSize: list.pageSize,
    total: list.total,
    showSizeChanger: true,
    pageSizeOptions: [10, 20, 50, 100],
    showTotal: (total) => `共 ${total} 条`,
    onChange: (page, pageSize) => list.goTo(page, pageSize),
    size: 'small',
  }
}

type PagedTableProps<T> = { list: PagedList<T> } & Omit<TableProps<T>, 'dataSource' | 'loading' | 'pagination'>

/** The compact, bordered table of a list page, showing one `usePagedList` list page by page. */
export function PagedTable<T extends object>({ list, ...table }: PagedTableProps<T>) {
  return (
    <Table<T>
      rowKey="id"
      size="small"
      bordered
      dataSource={list.items}
      loading={list.loading}
      pagination={pagination(list)}
      {...table}
    />
  )
}

const PAGE_SIZES = [10, 20, 50, 100]

/**
 * Paging of a `useKeyPagedList` list: back and forward a page at a time (a page starts where the
 * last ended), the count as the server gives it (“共 523 条”, or “超过 1000 条” with a link that
 * asks for the exact figure).
 */
export function KeyPager({ list }: { list: KeyPagedList<unknown> }) {
  return (
    <div style={{ display: 'flex', justifyContent: 'flex-end', alignItems: 'center', gap: 12, flexWrap: 'wrap', marginTop: 12 }} data-testid="key-pager">
      <Typography.Text type="secondary" data-testid="key-pager-total">
        {list.totalExact ? `共 ${list.totalLabel} 条` : `${list.totalLabel} 条`}
      </Typography.Text>
      {!list.totalExact && (
        <Button type="link" size="small" style={{ padding: 0 }} onClick={list.countExactly} data-testid="key-pager-count">精确计数</Button>
      )}
      <Space size={8}>
        <Button size="small" disabled={!list.hasPrevious || list.loading} onClick={list.previous} data-testid="key-pager-previous">上一页</Button>
        <Typography.Text>第 {list.page} 页</Typography.Text>
        <Button size="small" disabled={!list.hasNext || list.loading} onClick={list.next} data-testid="key-pager-next">下一页</Button>
        <Select
          size="small"
          value={list.pageSize}
          onChange={list.setPageSize}
          options={PAGE_SIZES.map((n) => ({ value: n, label: `${n} 条/页` }))}
          style={{ width: 100 }}
        />
      </Space>
    </div>
  )
}

type KeyPagedTableProps<T> = { list: KeyPagedList<T> } & Omit<TableProps<T>, 'dataSource' | 'loading' | 'pagination'>

/** The compact, bordered table of a list page, showing one `useKeyPagedList` list a page at a time. */
export function KeyPagedTable<T extends object>({ list, ...table }: KeyPagedTableProps<T>) {
  return (
    <>
      <Table<T> rowKey="id" size="small" bordered dataSource={list.items} loading={list.loading} pagination={false} {...table} />
      <KeyPager list={list} />
    </>
  )
}
