import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons'
import { Button, Empty, Form, Input, Select, Space, Table } from 'antd'
import { useEffect } from 'react'
import { GROUP_POSITION_KEYS, GROUP_POSITIONS, type GroupPosition } from '../../../domain/people/units.js'
import { EditDrawer } from '../../components/EditDrawer.js'
import { toast } from '../../lib/feedback.js'
import { validValues } from '../../lib/form-errors.js'
import { useRecordDrawer } from '../../lib/use-record-drawer.js'
import { getGroup, setGroupMembers, type Group } from './groups-api.js'
import { PersonSelect } from '../../components/PersonSelect.js'

type Props = {
  open: boolean
  group: Group | null
  onClose: () => void
  onSaved: () => void
}

type Row = { personId: number | null; position: GroupPosition; duty: string | null; name?: string }
type Values = { members: Row[] }

const POSITION_OPTIONS = GROUP_POSITION_KEYS.map((k) => ({ value: k, label: GROUP_POSITIONS[k] }))

/** The whole member list, in order (组长 first), saved at once against the group's version. */
export function MembersDrawer({ open, group, onClose, onSaved }: Props) {
  const [form] = Form.useForm<Values>()
  const drawer = useRecordDrawer({ form, initial: group, toValues, reload: (g) => getGroup(g.id) })
  const { current, start: startDrawer } = drawer

  useEffect(() => {
    if (open && group) startDrawer(group, toValues(group))
  }, [open, group, startDrawer])

  const submit = async () => {
    if (!current) return
    if (!(await validValues(form))) return
    // Unregistered `name`s (kept for messages) are only in the whole store.
    const { members = [] } = form.getFieldsValue(true) as Values
    const ids = members.map((m) => m.personId)
    const dup = members.find((m, i) => ids.indexOf(m.personId) !== i)
    if (dup) {
      toast.error(`“${dup.name ?? '同一人员'}”在名单中出现了两次`)
      return
    }
    await drawer.save(async () => {
      await setGroupMembers(
        current.id,
        members.map((m) => ({ personId: m.personId!, position: m.position, duty: m.duty?.trim() || null })),
        current.version,
      )
      toast.success('成员名单已保存')
      onSaved()
    })
  }

  return (
    <EditDrawer
      open={open}
      title={group ? `成员名单：${group.name}` : '成员名单'}
      size={880}
      busy={drawer.busy}
      onClose={onClose}
      onSave={submit}
      saveTestId="members-save"
      saveLabel="保存名单"
      staleNotice={drawer.staleNotice ? '该领导小组刚被他人修改，名单已载入最新内容。请核对后重新修改并保存。' : null}
    >
      <Form form={form} component={false}>
        <Form.List name="members">
          {(fields, { add, remove, move }) => (
            <>
              <Table
                size="small"
                bordered
                pagination={false}
                rowKey="key"
                dataSource={fields}
                locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="尚无成员" /> }}
                columns={[
                  { title: '序号', width: 56, render: (_v, _f, i) => i + 1 },
                  {
                    title: '职务',
                    width: 150,
                    render: (_v, f) => (
                      <Form.Item name={[f.name, 'position']} rules={[{ required: true, message: '请选择' }]} style={{ margin: 0 }}>
                        <Select options={POSITION_OPTIONS} />
                      </Form.Item>
                    ),
                  },
                  {
                    title: '人员',
                    width: 260,
                    render: (_v, f) => (
                      <Form.Item name={[f.name, 'personId']} rules={[{ required: true, message: '请选择人员' }]} style={{ margin: 0 }}>
                        <PersonSelect
                          regionCode={current?.regionCode}
                          initialLabel={form.getFieldValue(['members', f.name, 'name']) as string | undefined}
                          onChange={(_id, p) => { if (p) form.setFieldValue(['members', f.name, 'name'], p.name) }}
                        />
                      </Form.Item>
                    ),
                  },
                  {
                    title: '分工',
                    render: (_v, f) => (
                      <Form.Item name={[f.name, 'duty']} rules={[{ max: 500 }]} style={{ margin: 0 }}>
                        <Input placeholder="如：负责全面工作" maxLength={500} />
                      </Form.Item>
                    ),
                  },
                  {
                    title: '',
                    width: 110,
                    render: (_v, f, i) => (
                      <Space size={0}>
                        <Button type="text" size="small" icon={<ArrowUpOutlined />} disabled={i === 0} onClick={() => move(i, i - 1)} aria-label="上移" />
                        <Button type="text" size="small" icon={<ArrowDownOutlined />} disabled={i === fields.length - 1} onClick={() => move(i, i + 1)} aria-label="下移" />
                        <Button type="text" size="small" danger icon={<DeleteOutlined />} onClick={() => remove(f.name)} aria-label="移除" />
                      </Space>
                    ),
                  },
                ]}
              />
              <Button
                type="dashed"
                block
                icon={<PlusOutlined />}
                style={{ marginTop: 12 }}
                onClick={() => add({ personId: null, position: fields.length === 0 ? 'leader' : 'member', duty: null })}
                data-testid="members-add"
              >
                添加成员
              </Button>
            </>
          )}
        </Form.List>
      </Form>
    </EditDrawer>
  )
}

function toValues(g: Group): Values {
  return {
    members: g.members.map((m) => ({ personId: m.personId, position: m.position as GroupPosition, duty: m.duty, name: m.name })),
  }
}
