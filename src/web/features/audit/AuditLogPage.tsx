import { Button, DatePicker, Form, Input, Select, Typography, type TableColumnsType } from 'antd'
import type { Dayjs } from 'dayjs'
import { useState } from 'react'
import { Page, PagedTable, PageHeader, Toolbar } from '../../components/PageTable.js'
import { formatSeconds, orBlank } from '../../lib/format.js'
import { useAsync } from '../../lib/use-async.js'
import { usePagedList } from '../../lib/use-paged-list.js'
import { listAudit, listAuditActions, listAuditEntities, type AuditFilter, type AuditRow } from './api.js'
import { AuditDiff } from './AuditDiff.js'
import { VerifyButton } from './VerifyButton.js'
import './audit.css'

type FilterValues = {
  range?: [Dayjs | null, Dayjs | null] | null
  action?: string
  actor?: string
  entity?: string
  entityId?: string
}

/** Form values to query parameters; times go with their offset (+08:00) so the server reads them right. */
function toFilter(v: FilterValues): AuditFilter {
  const text = (s?: string) => s?.trim() || undefined
  return {
    from: v.range?.[0]?.format() ?? undefined,
    to: v.range?.[1]?.format() ?? undefined,
    action: v.action,
    actor: text(v.actor),
    entity: text(v.entity),
    entityId: text(v.entityId),
  }
}

export function AuditLogPage() {
  const [form] = Form.useForm<FilterValues>()
  const [filter, setFilter] = useState<AuditFilter>({})
  const actions = useAsync(() => listAuditActions(), [])
  const entities = useAsync(() => listAuditEntities(), [])
  const list = usePagedList((p, signal) => listAudit(p, signal), filter, 50)

  const columns: TableColumnsType<AuditRow> = [
    { title: '编号', dataIndex: 'id', width: 80, render: (v: number) => <span className="sw-num">#{v}</span> },
    { title: '时间', dataIndex: 'at', width: 170, render: (v: string) => <span className="sw-num">{formatSeconds(v)}</span> },
    { title: '操作人', dataIndex: 'actorName', width: 200, ellipsis: true },
    { title: 'IP 地址', dataIndex: 'ip', width: 130, render: (v: string | null) => <span className="sw-num">{orBlank(v)}</span> },
    { title: '操作', dataIndex: 'actionLabel', width: 180, render: (label: string, r) => (
      <span title={r.action}>{label || r.action}</span>
    ) },
    { title: '对象', key: 'entity', width: 240, render: (_v, r) => (
      <span data-testid="audit-entity" title={r.entityId ? `${r.entity} ${r.entityId}` : r.entity}>
        <Typography.Text type="secondary">{r.entityLabel}</Typography.Text>
        {r.entityName ? <> {r.entityName}</> : r.entityId ? <Typography.Text type="secondary" className="sw-num"> 编号 {r.entityId}</Typography.Text> : null}
      </span>
    ) },
    { title: '区划', dataIndex: 'regionCode', width: 220, render: (v: string | null, r) => (
      <span data-testid="audit-region">
        {r.regionName ?? orBlank(v)}
        {v && r.regionName ? <Typography.Text type="secondary" className="sw-num"> {v}</Typography.Text> : null}
      </span>
    ) },
  ]

  return (
    <Page testId="audit-page">
      <PageHeader title="审计日志" sub="全部写操作与登录记录，按时间倒序；每条记录都与前一条环环相扣，不能修改或删除，改动可被校验发现" extra={<VerifyButton />} />
      <Toolbar
        filters={
          <Form form={form} layout="inline" onFinish={(v) => setFilter(toFilter(v))} style={{ rowGap: 8 }}>
            <Form.Item name="range">
              <DatePicker.RangePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" placeholder={['起始时间', '截止时间']} />
            </Form.Item>
            <Form.Item name="action">
              <Select
                placeholder="全部操作"
                allowClear
                showSearch={{ optionFilterProp: 'label' }}
                options={(actions.data ?? []).map((a) => ({ value: a.action, label: a.label }))}
                style={{ width: 180 }}
                popupMatchSelectWidth={false}
              />
            </Form.Item>
            <Form.Item name="actor">
              <Input placeholder="操作人" allowClear style={{ width: 130 }} />
            </Form.Item>
            <Form.Item name="entity">
              <Select
                placeholder="全部对象类型"
                allowClear
                showSearch={{ optionFilterProp: 'label' }}
                options={(entities.data ?? []).map((e) => ({ value: e.entity, label: e.label }))}
                style={{ width: 150 }}
                popupMatchSelectWidth={false}
                data-testid="audit-entity-filter"
              />
            </Form.Item>
            <Form.Item name="entityId">
              <Input placeholder="对象编号" allowClear style={{ width: 100 }} />
            </Form.Item>
            <Button type="primary" htmlType="submit" data-testid="audit-search">查询</Button>
            <Button
              style={{ marginLeft: 8 }}
              onClick={() => {
                form.resetFields()
                setFilter({})
              }}
            >
              重置
            </Button>
          </Form>
        }
      />
      <PagedTable<AuditRow>
        list={list}
        columns={columns}
        expandable={{ expandedRowRender: (r) => <AuditDiff row={r} /> }}
        scroll={{ x: 1250 }}
        data-testid="audit-table"
      />
    </Page>
  )
}
