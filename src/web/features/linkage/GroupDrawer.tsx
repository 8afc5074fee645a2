import { Alert, Checkbox, Form, Input, Select, Switch } from 'antd'
import { useEffect } from 'react'
import { RESPONSIBILITY_ROLE_KEYS, RESPONSIBILITY_ROLES, type ResponsibilityRole } from '../../../domain/people/units.js'
import { EditDrawer } from '../../components/EditDrawer.js'
import { RegionPicker } from '../../components/RegionPicker.js'
import { toast } from '../../lib/feedback.js'
import { validValues } from '../../lib/form-errors.js'
import { useRecordDrawer } from '../../lib/use-record-drawer.js'
import { createGroup, getGroup, updateGroup, type GroupDetail } from './api.js'

type Props = {
  open: boolean
  /** The stored group to edit; null to create a custom group. */
  group: GroupDetail | null
  defaultRegionCode: string
  onClose: () => void
  onSaved: (g: GroupDetail) => void
}

type Values = {
  regionCode: string
  name: string
  roles: ResponsibilityRole[]
  subtree: boolean
  wecomWebhook?: string | null
  dingtalkWebhook?: string | null
  dingtalkSecret?: string
  clearSecret?: boolean
  note?: string | null
}

const ROLE_OPTIONS = RESPONSIBILITY_ROLE_KEYS.map((k) => ({ value: k, label: RESPONSIBILITY_ROLES[k] }))

const trimmed = (v: string | null | undefined) => v?.trim() || null

/**
 * Roles that define a group and the robots that mirror warnings into its chat. A region's group
 * keeps its name and covers its own region only; a custom group may take in the whole subtree.
 */
export function GroupDrawer({ open, group, defaultRegionCode, onClose, onSaved }: Props) {
  const [form] = Form.useForm<Values>()
  const drawer = useRecordDrawer({ form, initial: group, toValues, reload: (g) => getGroup(g.id!) })
  const { current, start: startDrawer } = drawer
  const isRegion = current?.kind === 'region'

  useEffect(() => {
    if (open) startDrawer(group, group ? toValues(group) : { regionCode: defaultRegionCode, name: '', roles: [], subtree: true })
  }, [open, group, defaultRegionCode, startDrawer])

  const submit = async () => {
    const v = await validValues(form)
    if (!v) return
    // Left blank, the secret stays as it is; the checkbox is the way to remove it.
    const dingtalkSecret = v.clearSecret ? '' : v.dingtalkSecret?.trim() || undefined
    const common = {
      roles: v.roles ?? [],
      wecomWebhook: trimmed(v.wecomWebhook),
      dingtalkWebhook: trimmed(v.dingtalkWebhook),
      dingtalkSecret,
      note: trimmed(v.note),
    }
    await drawer.save(async () => {
      const saved = current
        ? await updateGroup(current.id!, {
          ...common,
          ...(isRegion ? {} : { name: v.name.trim(), subtree: v.subtree }),
          version: current.version!,
        })
        : await createGroup({ ...common, regionCode: v.regionCode, name: v.name.trim(), subtree: v.subtree })
      toast.success(current ? '联动工作群已保存' : '联动工作群已建立')
      onSaved(saved)
    })
  }

  return (
    <EditDrawer
      open={open}
      title={group ? `设置：${group.name}` : '新建自定义联动工作群'}
      size={560}
      busy={drawer.busy}
      onClose={onClose}
      onSave={submit}
      saveTestId="linkage-group-save"
      staleNotice={drawer.staleNotice ? '该联动工作群刚被他人修改，表单已载入最新内容。请核对后重新修改并保存。' : null}
    >
      <Form form={form} layout="vertical" requiredMark data-testid="linkage-group-form">
        {!isRegion && (
          <Form.Item name="name" label="名称" rules={[{ required: true, whitespace: true, message: '请输入名称' }, { max: 100 }]}>
            <Input maxLength={100} placeholder="如：防汛责任人" data-testid="linkage-group-name" />
          </Form.Item>
        )}
        {!current && (
          <Form.Item name="regionCode" label="所属区划" rules={[{ required: true, message: '请选择所属区划' }]}>
            <RegionPicker />
          </Form.Item>
        )}
        <Form.Item
          name="roles"
          label="按职责自动纳入"
          extra={isRegion ? '本区划人员中持有所选任一职责者自动成为成员，随人员通讯录变化' : '持有所选任一职责的人员自动成为成员，随人员通讯录变化；可不选，只用手工添加的成员'}
        >
          <Select mode="multiple" options={ROLE_OPTIONS} placeholder="请选择职责" allowClear data-testid="linkage-group-roles" />
        </Form.Item>
        {!isRegion && (
          <Form.Item name="subtree" label="含下级区划" valuePropName="checked" extra="开启：所属区划及全部下级区划的人员；关闭：仅所属区划本级">
            <Switch />
          </Form.Item>
        )}
        <Form.Item name="wecomWebhook" label="企业微信群机器人地址" rules={[{ max: 500 }]} extra="群设置 › 群机器人 › 复制 Webhook 地址；预警将同步发到该群">
          <Input maxLength={500} placeholder="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…" />
        </Form.Item>
        <Form.Item name="dingtalkWebhook" label="钉钉群机器人地址" rules={[{ max: 500 }]}>
          <Input maxLength={500} placeholder="https://oapi.dingtalk.com/robot/send?access_token=…" />
        </Form.Item>
        <Form.Item name="dingtalkSecret" label="钉钉加签密钥" rules={[{ max: 200 }]} extra={current?.dingtalkSecretSet ? '已设置；留空则不修改' : '机器人安全设置选择“加签”时填写'}>
          <Input.Password maxLength={200} autoComplete="off" placeholder={current?.dingtalkSecretSet ? '已设置' : 'SEC 开头的密钥'} />
        </Form.Item>
        {current?.dingtalkSecretSet && (
          <Form.Item name="clearSecret" valuePropName="checked" style={{ marginTop: -12 }}>
            <Checkbox>清除加签密钥</Checkbox>
          </Form.Item>
        )}
        {(current?.wecomWebhook || current?.dingtalkWebhook) && (
          <Alert type="info" style={{ marginBottom: 16 }} title="机器人地址中的密钥部分脱敏显示；不改动则保留原地址，如需更换请整体粘贴新地址。" />
        )}
        <Form.Item name="note" label="说明" rules={[{ max: 500 }]}>
          <Input.TextArea maxLength={500} rows={2} showCount />
        </Form.Item>
      </Form>
    </EditDrawer>
  )
}

function toValues(g: GroupDetail): Values {
  return {
    regionCode: g.regionCode,
    name: g.name,
    roles: g.roles as ResponsibilityRole[],
    subtree: g.subtree,
    wecomWebhook: g.wecomWebhook,
    dingtalkWebhook: g.dingtalkWebhook,
    dingtalkSecret: '',
    clearSecret: false,
    note: g.note,
  }
}
