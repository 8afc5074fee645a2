import { DeleteOutlined, PlusOutlined, UndoOutlined } from '@ant-design/icons'
import { Alert, Button, Card, Checkbox, Form, Input, Popconfirm, Select, Space, Spin, Switch, Tag, Typography } from 'antd'
import { useEffect, useState } from 'react'
import { REGION_LEVEL_LABELS, REGION_LEVELS } from '../../../domain/regions/code.js'
import { DEFAULT_ISSUING_RULES } from '../../../domain/warnings/approval.js'
import { EVENT_TYPES, WARNING_LEVEL_KEYS, WARNING_LEVELS } from '../../../domain/warnings/levels.js'
import { Page, PageHeader } from '../../components/PageTable.js'
import { toast } from '../../lib/feedback.js'
import { applyFieldErrors, validValues } from '../../lib/form-errors.js'
import { formatTime } from '../../lib/format.js'
import { isApiError } from '../../lib/http.js'
import { readIssuingSettings, saveIssuingSettings, type IssuingSettings, type IssuingSettingsInput } from './api.js'

type Values = Omit<IssuingSettingsInput, 'version'>

const JURISDICTIONS = REGION_LEVELS.map((l) => ({ value: l, label: REGION_LEVEL_LABELS[l] }))
const LEVELS = WARNING_LEVEL_KEYS.map((l) => ({ value: l, label: WARNING_LEVELS[l].label }))
const EVENT_TYPE_OPTIONS = [...new Set(Object.values(EVENT_TYPES).flat())].map((t) => ({ value: t, label: t }))

const toValues = (s: IssuingSettings): Values => ({
  fourEyes: s.fourEyes,
  fourEyesOffReason: s.fourEyesOffReason ?? '',
  rules: s.rules.map((r) => ({ ...r, levels: [...r.levels], eventTypes: [...r.eventTypes] })),
})

/**
 * 预警发布规则: which jurisdiction level may approve and issue which warning levels and event
 * types, and 双人审批 (the drafter never approves their own warning). Without changes the
 * statutory default applies. Every save is audited; switching four eyes off takes a reason.
 */
export function IssuingSettingsPage() {
  const [form] = Form.useForm<Values>()
  const [settings, setSettings] = useState<IssuingSettings | null>(null)
  const [busy, setBusy] = useState(false)
  const fourEyes = Form.useWatch('fourEyes', form)

  const load = async () => {
    const s = await readIssuingSettings()
    setSettings(s)
    form.setFieldsValue(toValues(s))
  }
  useEffect(() => { void load().catch(() => {}) }, [])

  const save = async () => {
    if (!settings) return
    const values = await validValues(form)
    if (!values) return
    setBusy(true)
    try {
      const saved = await saveIssuingSettings({
        fourEyes: values.fourEyes,
        fourEyesOffReason: values.fourEyes ? null : values.fourEyesOffReason,
        rules: values.rules ?? [],
        version: settings.version,
      })
      setSettings(saved)
      form.setFieldsValue(toValues(saved))
      toast.success('预警发布规则已保存')
    } catch (e) {
      if (isApiError(e) && e.status === 409) {
        toast.warning(e.message)
        await load()
      } else {
        applyFieldErrors(form, e)
        toast.error(isApiError(e) ? e.message : '保存失败，请重试')
      }
    } finally {
      setBusy(false)
    }
  }

  return (
    <Page testId="issuing-settings-page">
      <PageHeader
        title="预警发布规则"
        sub="各级辖区可以审批发布哪些级别和类型的预警，以及是否须由起草人以外的人员审批（双人审批）。修改记入审计日志。"
        extra={settings && (
          <Space>
            {settings.isDefault
              ? <Tag color="blue">默认规则</Tag>
              : <Typography.Text type="secondary">第 {settings.version} 版{settings.updatedAt ? `，${formatTime(settings.updatedAt)} 修改` : ''}</Typography.Text>}
            <Button type="primary" loading={busy} onClick={() => void save()} data-testid="issuing-save">保存</Button>
          </Space>
        )}
      />
      {!settings ? <Spin /> : (
        <Form form={form} layout="vertical" data-testid="issuing-form">
          <Card size="small" title="双人审批" style={{ marginBottom: 16 }}>
            <Form.Item name="fourEyes" valuePropName="checked" extra="开启时，起草、导入或修改过预警的人员不能审批发布该预警，须由另一位有审批权限的人员审批。">
              <Switch checkedChildren="开启" unCheckedChildren="关闭" data-testid="issuing-four-eyes" />
            </Form.Item>
            {fourEyes === false && (
              <>
                <Alert type="warning" showIcon style={{ marginBottom: 12 }} title="关闭后，起草人可以自行审批发布预警。仅适用于只有一名值班员的部署；自行审批的每条预警在审计日志中注明。" />
                <Form.Item
                  name="fourEyesOffReason"
                  label="关闭理由"
                  rules={[{ required: true, whitespace: true, message: '请填写关闭双人审批的理由' }, { max: 200 }]}
                >
                  <Input maxLength={200} placeholder="如：本乡镇夜间只有一名值班员" data-testid="issuing-four-eyes-reason" />
                </Form.Item>
              </>
            )}
          </Card>
          <Card
            size="small"
            title="可审批发布的预警"
            extra={(
              <Popconfirm title="恢复默认规则？" description="区县、市级可发布各级预警，乡镇街道只能发布三、四级，村社区不能发布。保存后生效。" okText="恢复" cancelText="取消"
                onConfirm={() => form.setFieldValue('rules', DEFAULT_ISSUING_RULES.map((r) => ({ ...r, levels: [...r.levels], eventTypes: [] })))}>
                <Button size="small" icon={<UndoOutlined />}>恢复默认</Button>
              </Popconfirm>
            )}
          >
            <Typography.Paragraph type="secondary">
              每条规则：某一层级的辖区可以审批发布哪些级别的预警；填写事件类型时只限这些类型。没有规则的层级不能审批发布预警，只能提交上级。
            </Typography.Paragraph>
            <Form.List name="rules">
              {(fields, { add, remove }) => (
                <>
                  {fields.map((field) => (
                    <Space key={field.key} align="start" wrap style={{ display: 'flex', marginBottom: 4 }} data-testid="issuing-rule">
                      <Form.Item name={[field.name, 'jurisdiction']} rules={[{ required: true, message: '请选择辖区层级' }]}>
                        <Select options={JURISDICTIONS} placeholder="辖区层级" style={{ width: 140 }} />
                      </Form.Item>
                      <Form.Item name={[field.name, 'levels']} rules={[{ required: true, type: 'array', min: 1, message: '至少选择一个预警级别' }]}>
                        <Checkbox.Group options={LEVELS} />
                      </Form.Item>
                      <Form.Item name={[field.name, 'eventTypes']}>
                        <Select mode="tags" options={EVENT_TYPE_OPTIONS} placeholder="全部事件类型" style={{ width: 260 }} maxTagCount="responsive" />
                      </Form.Item>
                      <Button type="text" danger icon={<DeleteOutlined />} onClick={() => remove(field.name)} aria-label="删除规则" />
                    </Space>
                  ))}
                  <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ jurisdiction: 'township', levels: [], eventTypes: [] })}>添加规则</Button>
                </>
              )}
            </Form.List>
          </Card>
        </Form>
      )}
    </Page>
  )
}
