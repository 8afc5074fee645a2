import { PhoneOutlined, ReloadOutlined } from '@ant-design/icons'
import { Alert, Button, Card, Empty, Space, Spin, Table, Tag, Typography, type TableColumnsType } from 'antd'
import { useNavigate, useSearchParams } from 'react-router'
import { ACK_VIA_LABELS } from '../../../domain/warnings/delivery.js'
import { Page, PageHeader } from '../../components/PageTable.js'
import { formatTime, orBlank } from '../../lib/format.js'
import { useAsync } from '../../lib/use-async.js'
import { useCan } from '../../lib/session.js'
import { LevelTag } from '../../components/LevelTag.js'
import { fetchEscalations, type EscalatedPerson } from './api.js'

function state(p: EscalatedPerson) {
  if (p.state === 'acknowledged') {
    return <Tag color="success">已确认{p.ackChannel ? `（${ACK_VIA_LABELS[p.ackChannel] ?? p.ackChannel}）` : ''}</Tag>
  }
  return <Tag color="error">未确认</Tag>
}

const columns: TableColumnsType<EscalatedPerson> = [
  { title: '姓名', dataIndex: 'name', width: 110 },
  { title: '职务', dataIndex: 'post', width: 130, ellipsis: true, render: orBlank },
  { title: '村（社区）', dataIndex: 'regionName', width: 160, ellipsis: true },
  // Full numbers: the superior must call now; the server recorded this look in the audit log.
  { title: '手机', dataIndex: 'mobile', width: 150, render: (v: string | null) => (v ? <a href={`tel:${v}`}><PhoneOutlined /> {v}</a> : orBlank(v)) },
  { title: '状态', key: 'state', width: 130, render: (_v, p) => state(p) },
  { title: '上门叫应', dataIndex: 'doorKnockState', width: 90, render: (v: string | null) => (v === 'open' ? <Tag color="orange">待上门</Tag> : v === 'done' ? <Tag color="green">已办结</Tag> : '—') },
  { title: '升级时间', dataIndex: 'escalatedAt', width: 140, render: (v: string, p) => `${formatTime(v)}（第 ${p.round} 轮）` },
]

/**
 * 叫应升级名单: the people below the signed-in person whom the ladder could not wake, per warning,
 * with their numbers in full: the page an escalation notice links to. Those still silent first.
 */
export function EscalationsPage() {
  const [params] = useSearchParams()
  const navigate = useNavigate()
  const can = useCan()
  const warning = Number(params.get('warning')) || undefined
  const reply = useAsync((signal) => fetchEscalations(warning, signal), [warning])
  const items = reply.data?.items ?? []
  const byWarning = new Map<number, EscalatedPerson[]>()
  for (const p of items) byWarning.set(p.warningId, [...(byWarning.get(p.warningId) ?? []), p])

  return (
    <Page testId="escalations-page">
      <PageHeader
        title="叫应升级名单"
        sub="经多次短信和电话呼叫仍未确认、已升级给您的人员：请立即电话联系，必要时组织上门叫应"
        extra={(
          <Space>
            {warning && <Button onClick={() => navigate('/inbox/escalations')}>全部生效中的预警</Button>}
            <Button icon={<ReloadOutlined />} onClick={reply.reload}>刷新</Button>
          </Space>
        )}
      />
      <Alert type="warning" showIcon style={{ marginBottom: 16 }} title="名单含完整手机号码，仅供您联系叫应使用；每次查看均记入审计日志。" />
      {reply.loading && !reply.data ? <Spin style={{ display: 'block', margin: 40 }} /> : byWarning.size === 0 ? (
        <Empty description="没有升级给您的未确认人员" />
      ) : [...byWarning.entries()].map(([warningId, list]) => {
        const silent = list.filter((p) => p.state !== 'acknowledged').length
        return (
          <Card
            key={warningId}
            size="small"
            style={{ marginBottom: 16 }}
            data-testid="escalation-warning"
            title={<Space><LevelTag level={list[0].level} short /><span>{list[0].headline}</span><Tag color={silent > 0 ? 'red' : 'green'}>仍未确认 {silent} / {list.length} 人</Tag></Space>}
            extra={(
              <Space>
                {can('warnings.read') && <Typography.Link onClick={() => navigate('/door-knocks')}>上门叫应任务</Typography.Link>}
              </Space>
            )}
          >
            <Table<EscalatedPerson>
              rowKey={(p) => `${p.warningId}:${p.personId}`}
              size="small"
              bordered
              columns={columns}
              dataSource={[...list].sort((a, b) => Number(a.state === 'acknowledged') - Number(b.state === 'acknowledged'))}
              pagination={list.length > 50 ? { pageSize: 50, size: 'small', showTotal: (t) => `共 ${t} 人` } : false}
              scroll={{ x: 900 }}
            />
          </Card>
        )
      })}
    </Page>
  )
}
