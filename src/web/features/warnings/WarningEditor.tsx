import { Alert, App, AutoComplete, Button, Checkbox, Col, Collapse, DatePicker, Drawer, Form, Input, Row, Select, Space, Spin } from 'antd'
import type { Dayjs } from 'dayjs'
import { lazy, Suspense, useEffect, useRef, useState } from 'react'
import { useNavigate } from 'react-router'
import { RESPONSIBILITY_ROLES } from '../../../domain/people/units.js'
import { CHANNELS, DEFAULT_WARNING_ROLES } from '../../../domain/warnings/delivery.js'
import { DEFAULT_LADDERS, type LadderPolicy } from '../../../domain/warnings/ladder.js'
import { EVENT_CLASSES, EVENT_TYPES, type EventClass } from '../../../domain/warnings/levels.js'
import { RegionPicker } from '../../components/RegionPicker.js'
import { toast } from '../../lib/feedback.js'
import { validValues } from '../../lib/form-errors.js'
import { useRecordDrawer } from '../../lib/use-record-drawer.js'
import { useCan, useMe } from '../../lib/session.js'
import { createWarning, getWarning, rejectWarning, updateDraft, type Warning } from './api.js'
import { GroupMultiSelect } from './GroupMultiSelect.js'
import { autoHeadline, newValues, toInput, toTarget, toValues, type Values } from './editor-values.js'
import { askToIssue, canIssueLevel, issue, ownWarning, useIssuingPolicy } from './issue.js'
import { LadderFields, ladderSummary } from './LadderFields.js'
import { LevelRadio, StatusTag } from '../../components/LevelTag.js'
import { ReasonDialog } from './ReasonDialog.js'
import { previewTotal, RecipientPreview, usePreview } from './RecipientPreview.js'
import { RegionMultiPicker } from './RegionMultiPicker.js'
import { SketchNotice, submitConfirmingSketch, useSketchCount } from './sketch-positions.js'
import type { Shapes } from './geo.js'

// MapLibre is large: it loads only when the officer opens the map panel.
const TargetMap = lazy(() => import('./TargetMap.js').then((m) => ({ default: m.TargetMap })))

/** Form.Item hands value/onChange to its direct child, so the lazy map sits inside this. */
function LazyTargetMap(props: { value?: Shapes; onChange?: (v: Shapes) => void }) {
  return (
    <Suspense fallback={<Spin style={{ display: 'block', margin: 24 }} />}>
      <TargetMap value={props.value ?? { circles: [], polygons: [] }} onChange={(v) => props.onChange?.(v)} />
    </Suspense>
  )
}

const ROLE_OPTIONS = Object.entries(RESPONSIBILITY_ROLES).map(([value, label]) => ({ value, label }))
const DEFAULT_ROLE_NAMES = DEFAULT_WARNING_ROLES.map((r) => RESPONSIBILITY_ROLES[r]).join('、')
const CHANNEL_OPTIONS = Object.entries(CHANNELS).map(([value, label]) => ({ value, label }))
const CLASS_OPTIONS = Object.entries(EVENT_CLASSES).map(([value, label]) => ({ value, label }))

type Props = {
  open: boolean
  /** The warning opened (a draft to edit, or any other to read); null for a new one. */
  warning: Warning | null
  onClose: () => void
  /** Something was written: the list should show the server's state. */
  onSaved: () => void
}

/**
 * A warning's eight statutory fields (突发事件应对法 Art. 64), whom it reaches, on which channels
 * and with which 叫应 ladder. Drafts are edited here; a submitted warning is read here by the
 * approver, who issues or returns it.
 */
export function WarningEditor({ open, warning, onClose, onSaved }: Props) {
  const me = useMe()
  const can = useCan()
  const { modal } = App.useApp()
  const navigate = useNavigate()
  const [form] = Form.useForm<Values>()
  const drawer = useRecordDrawer<Warning, Values>({ form, initial: warning, toValues, reload: (w) => getWarning(w.id) })
  const { current, start } = drawer
  const [rejecting, setRejecting] = useState(false)
  const [working, setWorking] = useState(false)
  const ladderTouched = useRef(false)
  const lastAuto = useRef({ headline: '', areaDesc: '' })

  const editable = !current || current.status === 'draft'
  const level = Form.useWatch('level', form)
  const regionCode = Form.useWatch('regionCode', form)
  const regions = Form.useWatch('regions', form)
  const roles = Form.useWatch('roles', form)
  const groupIds = Form.useWatch('groupIds', form)
  const shapes = Form.useWatch('shapes', { form, preserve: true }) as Shapes | undefined
  const eventClass = Form.useWatch('eventClass', form)
  const ladder = Form.useWatch('ladder', { form, preserve: true }) as LadderPolicy | undefined
  const eventType = Form.useWatch('eventType', form) as string | undefined
  const policy = useIssuingPolicy()
  const preview = usePreview(regionCode, open ? toTarget({ regions, roles, groupIds, shapes }) : undefined)
  const sketchVillages = useSketchCount(open && editable ? regionCode : undefined, shapes)

  useEffect(() => {
    if (!open) return
    ladderTouched.current = !!warning
    lastAuto.current = { headline: warning?.headline ?? '', areaDesc: warning?.areaDesc ?? '' }
    start(warning, warning ? toValues(warning) : newValues(me))
  }, [open, warning, start, me])

  const onValuesChange = (changed: Partial<Values>, all: Values) => {
    if ('ladder' in changed) ladderTouched.current = true
    if (changed.level && !ladderTouched.current) form.setFieldValue('ladder', structuredClone(DEFAULT_LADDERS[changed.level]))
    if ('senderName' in changed || 'eventType' in changed || 'level' in changed) {
      const next = autoHeadline(all.senderName, all.eventType, all.level)
      if (next && (!all.headline || all.headline === lastAuto.current.headline)) {
        form.setFieldValue('headline', next)
        lastAuto.current.headline = next
      }
    }
  }

  /** 可能影响的范围 follows the chosen regions until typed over. */
  const onRegionNames = (names: string[]) => {
    const areaDesc: string = form.getFieldValue('areaDesc') ?? ''
    if (areaDesc && areaDesc !== lastAuto.current.areaDesc) return
    const next = names.join('、')
    form.setFieldValue('areaDesc', next)
    lastAuto.current.areaDesc = next
  }

  /**
   * Creates or updates the draft; null when the form or the server refused (already shown). An
   * existing draft nobody touched is not saved again: saving would make the reader its author,
   * and under four eyes an author may not approve it.
   */
  const persist = async (): Promise<Warning | null> => {
    if (!(await validValues(form))) return null
    if (current && !form.isFieldsTouched()) return current
    // Fields in folded panels are not registered with the form; the store still holds them.
    const input = toInput(form.getFieldsValue(true) as Values)
    let saved: Warning | null = null
    await drawer.save(async () => {
      saved = current ? await updateDraft(current.id, { ...input, version: current.version }) : await createWarning(input)
    })
    return saved
  }

  const run = async (work: () => Promise<void>) => {
    setWorking(true)
    try {
      await work()
    } catch {
      // shown by the http client; the list shows what the server has
      onSaved()
    } finally {
      setWorking(false)
    }
  }

  const saveDraft = () => run(async () => {
    const w = await persist()
    if (!w) return
    toast.success('草稿已保存')
    onSaved()
  })

  const submit = () => run(async () => {
    const w = await persist()
    if (!w) return
    if (!(await submitConfirmingSketch(modal, w, sketchVillages))) return
    toast.success('已提交审批')
    onSaved()
  })

  const approve = () => run(async () => {
    const values = form.getFieldsValue(true) as Values
    if (editable && !(await validValues(form))) return
    if (editable && policy.fourEyes && form.isFieldsTouched()) {
      modal.info({ title: '修改后须由他人审批', content: '按双人审批规定，修改过预警的人员不能审批发布它。请保存草稿并提交审批，由另一位有审批权限的人员审批。' })
      return
    }
    if (!(await askToIssue(modal, { level: values.level!, headline: values.headline }, previewTotal(preview), sketchVillages))) return
    const w = editable ? await persist() : current
    if (!w) return
    const issued = await issue(w, Boolean(sketchVillages))
    onSaved()
    navigate(`/boards/${issued.id}`)
  })

  // A new draft would be the user's own: under four eyes someone else approves it.
  const own = current ? ownWarning(policy, me.id, current) : policy.fourEyes
  const mayIssueLevel = level !== undefined && canIssueLevel(me.permissions, me.regionLevel, level, eventType, policy.rules)
  const mayApprove = mayIssueLevel && !own
  const writable = can('warnings.write')
  const title = !current ? '起草预警' : editable ? `编辑预警草稿：${current.headline}` : `预警：${current.headline}`

  const buttons = editable ? (
    <Space>
      <Button onClick={onClose}>取消</Button>
      {writable && <Button loading={working || drawer.busy} onClick={saveDraft} data-testid="warning-save">保存草稿</Button>}
      {writable && <Button loading={working || drawer.busy} onClick={submit} data-testid="warning-submit">提交审批</Button>}
      {mayApprove && <Button type="primary" danger={level! <= 2} loading={working || drawer.busy} onClick={approve} data-testid="warning-approve">审批发布</Button>}
    </Space>
  ) : current?.status === 'submitted' ? (
    <Space>
      <Button onClick={onClose}>关闭</Button>
      {mayApprove && <Button onClick={() => setRejecting(true)} data-testid="warning-reject">退回</Button>}
      {mayApprove && <Button type="primary" danger={level! <= 2} loading={working} onClick={approve} data-testid="warning-approve">审批发布</Button>}
    </Space>
  ) : (
    <Space>
      <Button onClick={onClose}>关闭</Button>
      {current && <Button type="primary" onClick={() => navigate(`/boards/${current.id}`)}>叫应看板</Button>}
    </Space>
  )

  return (
    <Drawer open={open} title={title} size={860} onClose={onClose} destroyOnHidden extra={buttons} data-testid="warning-editor">
      {drawer.staleNotice && <Alert type="warning" showIcon style={{ marginBottom: 16 }} title="该预警刚被他人修改，表单已载入最新内容。请核对后重新保存。" />}
      {mayIssueLevel && own && current && (current.status === 'draft' || current.status === 'submitted') && (
        <Alert type="info" showIcon style={{ marginBottom: 16 }} data-testid="warning-four-eyes" title="双人审批：您起草或修改过该预警，须由另一位有审批权限的人员审批发布。" />
      )}
      {current?.rejectedReason && current.status === 'draft' && (
        <Alert type="error" showIcon style={{ marginBottom: 16 }} title={`审批退回：${current.rejectedReason}`} />
      )}
      {current && !editable && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          title={<Space>当前状态 <StatusTag status={current.status} />{current.status === 'submitted' ? '待审批，内容不能修改；审批人可发布或退回。' : '已发布的预警只能更新、撤销或解除。'}</Space>}
          description={[current.createdByName && `起草：${current.createdByName}`, current.approvedByName && `审批：${current.approvedByName}`].filter(Boolean).join('　') || undefined}
        />
      )}
      <Form form={form} layout="vertical" requiredMark disabled={!editable} onValuesChange={onValuesChange} data-testid="warning-form">
        <Row gutter={16}>
          <Col span={8}>
            <Form.Item name="eventClass" label="事件类别" rules={[{ required: true, message: '请选择事件类别' }]}>
              <Select options={CLASS_OPTIONS} data-testid="warning-event-class" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="eventType" label="事件类型" rules={[{ required: true, whitespace: true, message: '请输入或选择事件类型' }, { max: 50 }]}>
              <AutoComplete
                options={(EVENT_TYPES[eventClass as EventClass] ?? []).map((t) => ({ value: t }))}
                filterOption={(input, o) => String(o?.value ?? '').includes(input)}
                placeholder="如：暴雨、山洪，可自行输入"
                data-testid="warning-event-type"
              />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="regionCode" label="发布区划" rules={[{ required: true, message: '请选择发布区划' }]} extra="预警范围须在此区划内">
              <RegionPicker />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="level" label="预警级别" rules={[{ required: true, message: '请选择预警级别' }]}>
          <LevelRadio />
        </Form.Item>
        <Form.Item name="headline" label="标题" rules={[{ required: true, whitespace: true, message: '请输入标题' }, { max: 200 }]}>
          <Input maxLength={200} placeholder="如：吴兴区应急管理局发布暴雨橙色预警" data-testid="warning-headline" />
        </Form.Item>
        <Form.Item name="description" label="警示事项" rules={[{ required: true, whitespace: true, message: '请输入警示事项' }, { max: 2000 }]}>
          <Input.TextArea rows={3} maxLength={2000} showCount placeholder="可能发生的突发事件、发展趋势和危害" data-testid="warning-description" />
        </Form.Item>
        <Form.Item name="instruction" label="应当采取的措施" rules={[{ required: true, whitespace: true, message: '请输入应当采取的措施' }, { max: 2000 }]}>
          <Input.TextArea rows={3} maxLength={2000} showCount placeholder="如：立即转移危险区域人员，24 小时值班，巡查隐患点" data-testid="warning-instruction" />
        </Form.Item>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name="areaDesc" label="可能影响的范围" rules={[{ required: true, whitespace: true, message: '请输入可能影响的范围' }, { max: 500 }]}>
              <Input maxLength={500} placeholder="选择区划后自动填写，可修改" data-testid="warning-area-desc" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="senderName" label="发布单位" rules={[{ required: true, whitespace: true, message: '请输入发布单位' }, { max: 100 }]}>
              <Input maxLength={100} data-testid="warning-sender" />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name="onset" label="起始时间" rules={[{ required: true, message: '请选择起始时间' }]}>
              <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item
              name="expires"
              label="失效时间"
              dependencies={['onset']}
              rules={[({ getFieldValue }) => ({
                validator: (_r, v: Dayjs | null) => (!v || !getFieldValue('onset') || v.isAfter(getFieldValue('onset'))
                  ? Promise.resolve() : Promise.reject(new Error('失效时间应晚于起始时间'))),
              })]}
            >
              <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} placeholder="不填则直至解除" />
            </Form.Item>
          </Col>
        </Row>

        <Form.Item name="regions" label="预警范围（区划，含全部下级）">
          <RegionMultiPicker data-testid="warning-regions" onNames={onRegionNames} />
        </Form.Item>
        <Row gutter={16}>
          <Col span={14}>
            <Form.Item name="roles" label="送达范围内的这些岗位" extra={`不选则发给各区划联动工作群的成员（默认岗位：${DEFAULT_ROLE_NAMES}，含手工添加的成员）`}>
              <Select mode="multiple" options={ROLE_OPTIONS} placeholder="按各区划联动工作群" maxTagCount="responsive" allowClear data-testid="warning-roles" />
            </Form.Item>
          </Col>
          <Col span={10}>
            <Form.Item name="groupIds" label="联动工作群">
              <GroupMultiSelect />
            </Form.Item>
          </Col>
        </Row>
        <Collapse
          size="small"
          style={{ marginBottom: 16 }}
          items={[{
            key: 'map',
            label: `在地图上圈定范围（可选）${shapes && (shapes.circles.length + shapes.polygons.length) > 0 ? `：已圈定 ${shapes.circles.length + shapes.polygons.length} 处` : ''}`,
            children: (
              <Form.Item name="shapes" noStyle>
                <LazyTargetMap />
              </Form.Item>
            ),
          }]}
        />
        <div style={{ marginBottom: 16 }}>
          <RecipientPreview state={preview} />
        </div>
        <SketchNotice count={sketchVillages} />
        <Form.Item name="channels" label="发送渠道" rules={[{ required: true, type: 'array', min: 1, message: '请至少选择一个发送渠道' }]}>
          <Checkbox.Group options={CHANNEL_OPTIONS} data-testid="warning-channels" />
        </Form.Item>
        <Collapse
          size="small"
          items={[{
            key: 'ladder',
            label: `叫应策略：${ladderSummary(ladder)}`,
            children: level ? <LadderFields disabled={!editable} /> : <Alert type="info" title="请先选择预警级别" />,
          }]}
        />
      </Form>
      {current && (
        <ReasonDialog
          open={rejecting}
          title="退回预警"
          label="退回理由"
          okText="退回"
          onCancel={() => setRejecting(false)}
          onSubmit={async (reason) => {
            await rejectWarning(current.id, current.version, reason)
            toast.success('已退回起草人修改')
            setRejecting(false)
            onSaved()
          }}
        />
      )}
    </Drawer>
  )
}
