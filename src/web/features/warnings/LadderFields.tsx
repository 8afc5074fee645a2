import { Checkbox, Col, Form, InputNumber, Row, Switch, Typography } from 'antd'
import { CHANNELS, GROUP_CHANNELS } from '../../../domain/warnings/delivery.js'

const WAVE1_OPTIONS = Object.entries(CHANNELS)
  .filter(([k]) => k !== 'voice')
  .map(([value, label]) => ({ value, label }))

const minutes = (name: string, label: string, extra?: string, nullable = false) => (
  <Form.Item name={['ladder', name]} label={label} extra={extra}>
    <InputNumber min={nullable ? 1 : 0} max={1440} suffix="分钟" placeholder={nullable ? '不执行' : undefined} style={{ width: '100%' }} />
  </Form.Item>
)

/**
 * The 叫应 ladder of this warning: starts as the level's defaults (domain/warnings/ladder.ts) and
 * every number can be changed. A blank wait means that step is skipped.
 */
export function LadderFields({ disabled }: { disabled?: boolean }) {
  return (
    <fieldset disabled={disabled} style={{ border: 0, padding: 0, margin: 0 }} data-testid="warning-ladder">
      <Form.Item name={['ladder', 'wave1']} label="首轮发送渠道" extra={`群机器人（${GROUP_CHANNELS.map((c) => CHANNELS[c]).join('、')}）发往所选联动工作群的群聊`}>
        <Checkbox.Group options={WAVE1_OPTIONS} disabled={disabled} />
      </Form.Item>
      <Row gutter={16}>
        <Col span={8}>{minutes('voiceAfterMinutes', '未确认多久后打语音电话', '留空则不打电话', true)}</Col>
        <Col span={8}>
          <Form.Item name={['ladder', 'voiceAttempts']} label="语音电话次数（含重拨）">
            <InputNumber min={0} max={10} suffix="次" style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col span={8}>{minutes('voiceWindowMinutes', '重拨在多少分钟内完成')}</Col>
      </Row>
      <Row gutter={16}>
        <Col span={8}>{minutes('escalateAfterMinutes', '仍未确认多久后升级', '留空则不升级', true)}</Col>
        <Col span={8}>
          <Form.Item name={['ladder', 'escalate']} label="告知上一级同岗位人员" valuePropName="checked">
            <Switch disabled={disabled} />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name={['ladder', 'doorKnock']} label="生成上门叫应任务" valuePropName="checked">
            <Switch disabled={disabled} />
          </Form.Item>
        </Col>
      </Row>
      <Row gutter={16} align="bottom">
        <Col span={8}>
          <Form.Item name={['ladder', 'nightStartsAtVoice']} label="夜间直接打语音电话" valuePropName="checked">
            <Switch disabled={disabled} />
          </Form.Item>
        </Col>
        <Col span={16}>
          <Form.Item label="夜间时段（北京时间）">
            <Row gutter={8} align="middle" wrap={false}>
              <Col flex="100px">
                <Form.Item name={['ladder', 'nightHours', 0]} noStyle>
                  <InputNumber min={0} max={23} suffix="时" style={{ width: '100%' }} />
                </Form.Item>
              </Col>
              <Col><Typography.Text type="secondary">至次日</Typography.Text></Col>
              <Col flex="100px">
                <Form.Item name={['ladder', 'nightHours', 1]} noStyle>
                  <InputNumber min={0} max={23} suffix="时" style={{ width: '100%' }} />
                </Form.Item>
              </Col>
            </Row>
          </Form.Item>
        </Col>
      </Row>
    </fieldset>
  )
}

/** One line saying what the ladder will do, shown while its panel is folded. */
export function ladderSummary(l: { voiceAfterMinutes: number | null; voiceAttempts: number; escalateAfterMinutes: number | null; escalate: boolean; doorKnock: boolean } | undefined): string {
  if (!l) return '选择级别后显示该级别的默认叫应策略'
  const parts: string[] = []
  parts.push(l.voiceAfterMinutes === null || l.voiceAttempts === 0 ? '不打语音电话' : `${l.voiceAfterMinutes} 分钟未确认打语音电话（共 ${l.voiceAttempts} 次）`)
  if (l.escalate && l.escalateAfterMinutes !== null) parts.push(`再过 ${l.escalateAfterMinutes} 分钟升级告知上一级`)
  if (l.doorKnock) parts.push('生成上门叫应任务')
  return parts.join('，')
}
