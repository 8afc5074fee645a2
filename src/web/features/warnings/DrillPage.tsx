import { SendOutlined } from '@ant-design/icons'
import { App, Button, Card, Checkbox, Col, Form, Input, Row, Select, Space, Tag, Typography, type TableColumnsType } from 'antd'
import { useNavigate } from 'react-router'
import { RESPONSIBILITY_ROLES } from '../../../domain/people/units.js'
import { CHANNELS, type Channel } from '../../../domain/warnings/delivery.js'
import { Page, PagedTable, PageHeader } from '../../components/PageTable.js'
import { RegionPicker } from '../../components/RegionPicker.js'
import { toast } from '../../lib/feedback.js'
import { formatTime } from '../../lib/format.js'
import { usePagedList } from '../../lib/use-paged-list.js'
import { useCan, useMe } from '../../lib/session.js'
import { listWarnings, startDrill, type DrillInput, type WarningSummary } from './api.js'
import { GroupMultiSelect } from './GroupMultiSelect.js'
import { previewTotal, RecipientPreview, usePreview } from './RecipientPreview.js'
import { RegionMultiPicker } from './RegionMultiPicker.js'
import { targetInput } from './target-input.js'
import { AckProgress } from './WarningListPage.js'

type Values = { regionCode: string; regions: string[]; roles: string[]; groupIds: number[]; channels: Channel[]; message?: string }

const CHANNEL_OPTIONS = Object.entries(CHANNELS).map(([value, label]) => ({ value, label }))
const ROLE_OPTIONS = Object.entries(RESPONSIBILITY_ROLES).map(([value, label]) => ({ value, label }))
const DEFAULT_MESSAGE = '【通联演练】这是一条测试消息，不是真实预警。请点击链接或回复 1 确认收到。'

function target(v: Partial<Values>): DrillInput['target'] {
  return targetInput({ regions: v.regions, roles: v.roles, groupIds: v.groupIds })
}

/**
 * 通联演练 (like Resgrid's communication tests): a test message to groups or regions through
 * the same pipeline as a warning, so wrong and dead numbers are found before the storm.
 */
export function DrillPage() {
  const me = useMe()
  const can = useCan()
  const { modal } = App.useApp()
  const navigate = useNavigate()
  const [form] = Form.useForm<Values>()
  const values = Form.useWatch([], form) as Partial<Values> | undefined
  const preview = usePreview(values?.regionCode, values ? target(values) : undefined)
  const past = usePagedList((p, signal) => listWarnings(p, signal), { purpose: 'drill' as const }, 10)

  const send = async () => {
    const v = await form.validateFields().catch(() => null)
    if (!v) return
    const total = previewTotal(preview)
    const ok = await modal.confirm({
      title: '发送通联演练？',
      content: `将向${total === null ? '所选范围内的' : ` ${total} 名`}责任人发送测试消息，并统计谁收到、谁联系不上。`,
      okText: '发送',
    })
    if (!ok) return
    try {
      const w = await startDrill({ regionCode: v.regionCode, target: target(v), channels: v.channels, message: v.message?.trim() || undefined })
      toast.success('演练消息已开始发送')
      navigate(`/boards/${w.id}`)
    } catch {
      // shown by the http client
    }
  }

  const columns: TableColumnsType<WarningSummary> = [
    { title: '演练', dataIndex: 'headline', render: (v: string, w) => <Typography.Link onClick={() => navigate(`/boards/${w.id}`)}>{v}</Typography.Link> },
    { title: '区划', dataIndex: 'regionName', width: 160 },
    { title: '时间', dataIndex: 'issuedAt', width: 150, render: (v: string | null, w) => formatTime(v ?? w.createdAt) },
    { title: '收到确认', key: 'progress', width: 200, render: (_v, w) => <AckProgress counts={w.counts} /> },
    { title: '联系不上', key: 'unreachable', width: 90, align: 'right', render: (_v, w) => (w.counts.unreachable > 0 ? <Tag color="red">{w.counts.unreachable}</Tag> : 0) },
  ]

  return (
    <Page testId="drills-page">
      <PageHeader title="通联演练" sub="向联动工作群或区划责任人发送测试消息，找出号码错误、联系不上的人员" />
      {can('warnings.write') && (
        <Card size="small" style={{ marginBottom: 16 }}>
          <Form
            form={form}
            layout="vertical"
            initialValues={{ regionCode: me.regionCode, regions: [], roles: [], groupIds: [], channels: ['inapp', 'sms'] }}
            data-testid="drill-form"
          >
            <Row gutter={16}>
              <Col span={8}>
                <Form.Item name="regionCode" label="组织区划" rules={[{ required: true, message: '请选择区划' }]}>
                  <RegionPicker />
                </Form.Item>
              </Col>
              <Col span={16}>
                <Form.Item name="groupIds" label="联动工作群">
                  <GroupMultiSelect />
                </Form.Item>
              </Col>
            </Row>
            <Row gutter={16}>
              <Col span={12}>
                <Form.Item name="regions" label="或按区划（含下级）">
                  <RegionMultiPicker />
                </Form.Item>
              </Col>
              <Col span={12}>
                <Form.Item name="roles" label="区划内的岗位">
                  <Select mode="multiple" options={ROLE_OPTIONS} maxTagCount="responsive" allowClear placeholder="按各区划联动工作群的成员" />
                </Form.Item>
              </Col>
            </Row>
            <Form.Item name="channels" label="测试渠道" rules={[{ required: true, type: 'array', min: 1, message: '请至少选择一个渠道' }]}>
              <Checkbox.Group options={CHANNEL_OPTIONS} />
            </Form.Item>
            <Form.Item name="message" label="演练消息">
              <Input.TextArea rows={2} maxLength={200} showCount placeholder={DEFAULT_MESSAGE} />
            </Form.Item>
            <Space orientation="vertical" style={{ width: '100%' }}>
              <RecipientPreview state={preview} />
              <Button type="primary" icon={<SendOutlined />} onClick={() => void send()} data-testid="drill-send">发送演练消息</Button>
            </Space>
          </Form>
        </Card>
      )}
      <Typography.Title level={5}>历次演练</Typography.Title>
      <PagedTable<WarningSummary> list={past} columns={columns} data-testid="drills-table" />
    </Page>
  )
}
