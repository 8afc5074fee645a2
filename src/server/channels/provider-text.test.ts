import { describe, expect, it } from 'vitest'
import { composeMessage, type MessageWarning } from '../features/warnings/delivery/message.js'
import { outgoing } from '../testing/outgoing.js'
import { dialableNumber, fit, mainlandMobile, smsVariables, speechVariable } from './provider-text.js'

const warning: MessageWarning = {
  level: 2, purpose: 'warning', status: 'issued', eventClass: 'natural', eventType: '暴雨',
  headline: '吴兴区暴雨橙色预警', description: '预计未来 12 小时累计雨量可达 100 毫米以上', instruction: '责任人立即上岗到位',
  areaDesc: '月河街道', senderName: '湖州市吴兴区应急管理局', issuedAt: new Date('2026-07-20T02:00:00Z'), onset: new Date('2026-07-20T02:00:00Z'),
}

describe('template variables from a composed message', () => {
  it('takes the warning as composed for SMS: subject as title, a body without links or asks, no 【】', () => {
    const confirmUrl = 'https://yj.example.gov.cn/c/token-1'
    const composed = composeMessage({ warning, channel: 'sms', confirmUrl })
    const v = smsVariables(outgoing({ ...composed, confirmUrl, kind: 'warning' }), null)
    expect(v.title).toBe(composed.subject.replace('【', '（').replace('】', '）'))
    expect(v.content).toContain('预计未来 12 小时累计雨量可达 100 毫米以上')
    expect(v.content).not.toMatch(/https?:|token-1|回1确认|回复1确认|点击/)
    expect(v.content).not.toContain(v.title)
    expect(`${v.title}${v.content}`).not.toMatch(/[【】]/)
    expect(v.content.endsWith('。')).toBe(true)
  })

  it('keeps the lines of a long text and cuts a link with the label that introduced it', () => {
    const text = '【橙色预警】吴兴区暴雨橙色预警\n确认收到请点击：https://yj.example.gov.cn/c/t\n【叫应升级】织里镇 3 人未确认收到本预警，请您代为接收并督促落实。名单及电话：https://yj.example.gov.cn/inbox/escalations?warning=1\n影响范围：月河街道'
    const v = smsVariables(outgoing({ subject: '【橙色预警】吴兴区暴雨橙色预警', text, kind: 'warning' }), null)
    expect(v.content).toBe('（叫应升级）织里镇 3 人未确认收到本预警，请您代为接收并督促落实。影响范围：月河街道。')
  })

  it('falls back to the speech when the text was only subject, link and reply code', () => {
    const v = smsVariables(outgoing({
      subject: '【橙色预警】吴兴区暴雨橙色预警', text: '【橙色预警】吴兴区暴雨橙色预警 https://yj.example.gov.cn/c/t 回1确认',
      speech: '这里是吴兴区应急管理局。月河街道发布橙色暴雨预警：吴兴区暴雨橙色预警。请立即转移。确认收到请按1。',
    }), null)
    expect(v.content).toBe('月河街道发布橙色暴雨预警：吴兴区暴雨橙色预警。请立即转移。')
  })

  it('leaves the closing "press 1" of a warning\'s speech to the template, not of other kinds', () => {
    const composed = composeMessage({ warning, channel: 'voice', confirmUrl: null })
    expect(composed.speech).toMatch(/确认收到请按1。$/)
    expect(speechVariable(outgoing({ ...composed, kind: 'warning' }), null)).not.toContain('请按1')
    const notice = outgoing({ kind: 'notice', speech: '这里是吴兴区应急管理局。吴兴区暴雨橙色预警已解除。' })
    expect(speechVariable(notice, null)).toBe(notice.speech)
  })

  it('cuts by characters as the providers count them, ending with …', () => {
    expect(fit('一二三四五', 5)).toBe('一二三四五')
    expect(fit('一二三四五六', 5)).toBe('一二三四…')
    expect(Array.from(fit('𠀀'.repeat(10), 4))).toHaveLength(4)
    expect(fit('不限', null)).toBe('不限')
  })

  it('turns addresses into numbers the providers dial', () => {
    expect(mainlandMobile('+86 138-5720-0001')).toBe('13857200001')
    expect(mainlandMobile('0572-2012345')).toBeNull()
    expect(dialableNumber('0572-2012345')).toBe('05722012345')
    expect(dialableNumber('0572-2012345-801')).toBeNull()
  })
})
