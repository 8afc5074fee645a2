import { describe, expect, it } from 'vitest'
import { chinaTime, composeMessage, type MessageWarning } from './message.js'

const warning: MessageWarning = {
  level: 2, purpose: 'warning', status: 'issued', eventClass: 'natural', eventType: '暴雨',
  headline: '吴兴区暴雨橙色预警', description: '预计未来 12 小时累计雨量可达 100 毫米以上',
  instruction: '责任人立即上岗到位，转移低洼地带人员', areaDesc: '织里镇、八里店镇',
  senderName: '湖州市吴兴区应急管理局', issuedAt: new Date('2026-07-20T02:00:00Z'), onset: new Date('2026-07-20T03:00:00Z'),
}
const link = 'https://yj.example.gov.cn/c/1.2.1.abc.sig'

describe('warning messages', () => {
  it('puts the eight fields, the link and the reply hint in an SMS', () => {
    const m = composeMessage({ warning, channel: 'sms', confirmUrl: link })
    expect(m.subject).toBe('【橙色预警】吴兴区暴雨橙色预警')
    expect(m.text.split('\n')).toEqual([
      '【橙色预警】吴兴区暴雨橙色预警',
      '类别：自然灾害·暴雨；级别：二级（橙色）',
      '影响范围：织里镇、八里店镇',
      '起始时间：2026年7月20日 11:00',
      '警示事项：预计未来 12 小时累计雨量可达 100 毫米以上',
      '应当采取的措施：责任人立即上岗到位，转移低洼地带人员',
      '发布单位：湖州市吴兴区应急管理局；发布时间：2026年7月20日 10:00',
      `确认收到请点击 ${link} 或回复1确认`,
    ])
  })

  it('ends the voice call with the key to press', () => {
    const m = composeMessage({ warning, channel: 'voice', confirmUrl: link })
    expect(m.speech).toBe('这里是湖州市吴兴区应急管理局。织里镇、八里店镇发布二级（橙色）暴雨预警：吴兴区暴雨橙色预警。'
      + '预计未来 12 小时累计雨量可达 100 毫米以上。请责任人立即上岗到位，转移低洼地带人员。确认收到请按1。')
  })

  it('gives group robots no personal link', () => {
    const m = composeMessage({ warning, channel: 'wecom', confirmUrl: null })
    expect(m.text).not.toContain('/c/')
    expect(m.text).toContain('各责任人请通过短信或系统消息中的个人链接确认收到')
  })

  it('tells a superior whom they stand in for', () => {
    const m = composeMessage({ warning, channel: 'sms', confirmUrl: link, standsInFor: { name: '张三', post: '村主任', regionName: '织里居委会' } })
    expect(m.text.split('\n')[1]).toBe('织里居委会村主任张三未确认收到本预警，请您代为接收并督促落实。')
    expect(composeMessage({ warning, channel: 'voice', confirmUrl: link, standsInFor: { name: '张三', post: null, regionName: '织里居委会' } }).speech)
      .toContain('织里居委会张三未确认收到预警，请您督促落实。')
  })

  it('marks drills and words the closing notice', () => {
    expect(composeMessage({ warning: { ...warning, purpose: 'drill' }, channel: 'sms', confirmUrl: link }).text)
      .toMatch(/^【通联演练】【橙色预警】吴兴区暴雨橙色预警\n本条为通联演练消息/)
    const lifted = composeMessage({ warning: { ...warning, status: 'ended' }, channel: 'sms', confirmUrl: null, notice: true })
    expect(lifted.text).toBe('【预警解除】吴兴区暴雨橙色预警\n湖州市吴兴区应急管理局于2026年7月20日 10:00发布的“吴兴区暴雨橙色预警”已解除，请按规定结束相关响应措施。')
    expect(composeMessage({ warning: { ...warning, status: 'cancelled' }, channel: 'inapp', confirmUrl: null, notice: true }).subject)
      .toBe('【预警撤销】吴兴区暴雨橙色预警')
  })

  it('writes times in China time whatever the server zone', () => {
    expect(chinaTime(new Date('2026-07-20T16:05:00Z'))).toBe('2026年7月21日 00:05')
  })
})
