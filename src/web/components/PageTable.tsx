import { Table, Typography, type TablePaginationConfig, type TableProps } from 'antd'
import type { ReactNode } from 'react'
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
