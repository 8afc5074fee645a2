import { describe, expect, it } from 'vitest'
import { chinaTime, composeMessage, SMS_SEGMENT_CHARS, SMS_SIGNATURE_CHARS, type MessageWarning } from './message.js'

const warning: MessageWarning = {
  level: 2, purpose: 'warning', status: 'issued', eventClass: 'natural', eventType: '暴雨',
  headline: '吴兴区暴雨橙色预警', description: '预计未来 12 小时累计雨量可达 100 毫米以上',
  instruction: '责任人立即上岗到位，转移低洼地带人员', areaDesc: '织里镇、八里店镇',
  senderName: '湖州市吴兴区应急管理局', issuedAt: new Date('2026-07-20T02:00:00Z'), onset: new Date('2026-07-20T03:00:00Z'),
}
const link = 'https://yj.example.gov.cn/c/1.2.1.abc.sig'

describe('warning messages', () => {
  it('puts the eight fields in the in-app and e-mail text, the confirm link right under the subject', () => {
    const m = composeMessage({ warning, channel: 'email', confirmUrl: link })
    expect(m.subject).toBe('【橙色预警】吴兴区暴雨橙色预警')
    expect(m.text.split('\n')).toEqual([
      '【橙色预警】吴兴区暴雨橙色预警',
      `确认收到请点击：${link}`,
      '类别：自然灾害·暴雨；级别：二级（橙色）',
      '影响范围：织里镇、八里店镇',
      '起始时间：2026年7月20日 11:00',
      '警示事项：预计未来 12 小时累计雨量可达 100 毫米以上',
      '应当采取的措施：责任人立即上岗到位，转移低洼地带人员',
      '发布单位：湖州市吴兴区应急管理局；发布时间：2026年7月20日 10:00',
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

  it('tells a superior whom they stand in for, and where the list is', () => {
    const standsInFor = { who: '织里镇 12 个村（社区）37 人', listUrl: 'https://sw.example/inbox/escalations?warning=7' }
    const m = composeMessage({ warning, channel: 'sms', confirmUrl: link, standsInFor })
    expect(m.text.split('\n')[1]).toBe('【叫应升级】织里镇 12 个村（社区）37 人未确认收到本预警，请您代为接收并督促落实。名单及电话：https://sw.example/inbox/escalations?warning=7')
    expect(composeMessage({ warning, channel: 'voice', confirmUrl: link, standsInFor: { who: '织里居委会张三', listUrl: null } }).speech)
      .toContain('织里居委会张三未确认收到预警，请您督促落实。')
  })

  it('marks drills and words the closing notice', () => {
    expect(composeMessage({ warning: { ...warning, purpose: 'drill' }, channel: 'inapp', confirmUrl: null }).text)
      .toMatch(/^【通联演练】【橙色预警】吴兴区暴雨橙色预警\n本条为通联演练消息/)
    expect(composeMessage({ warning: { ...warning, purpose: 'drill' }, channel: 'sms', confirmUrl: link }).text)
      .toMatch(new RegExp(`^【通联演练】【橙色预警】\\S+ ${link.replaceAll('.', '\\.')} 回1确认$`))
    const lifted = composeMessage({ warning: { ...warning, status: 'ended' }, channel: 'sms', confirmUrl: null, notice: true })
    expect(lifted.text).toBe('【预警解除】吴兴区暴雨橙色预警\n湖州市吴兴区应急管理局于2026年7月20日 10:00发布的“吴兴区暴雨橙色预警”已解除，请按规定结束相关响应措施。')
    expect(composeMessage({ warning: { ...warning, status: 'cancelled' }, channel: 'inapp', confirmUrl: null, notice: true }).subject)
      .toBe('【预警撤销】吴兴区暴雨橙色预警')
  })

  it('writes times in China time whatever the server zone', () => {
    expect(chinaTime(new Date('2026-07-20T16:05:00Z'))).toBe('2026年7月21日 00:05')
  })
})

describe('the first SMS', () => {
  // A link as the dispatcher signs it (tokens.ts): warning 1234, person 56789, 12 signature characters.
  const token = `${(1234).toString(36)}.${(56789).toString(36)}.Ab3_x-Yz09Qw`
  const url = (base: string) => `${base}/c/${token}`
  /** Characters on the phone: the text and the signature 【…】 the carrier adds. */
  const onPhone = (text: string) => text.length + SMS_SIGNATURE_CHARS
  const sms = (w: MessageWarning, base: string) => composeMessage({ warning: w, channel: 'sms', confirmUrl: url(base) }).text

  it('fits one segment for a typical warning: level, headline, link, reply hint; the rest is behind the link', () => {
    const text = sms(warning, 'https://yj.hz.gov.cn')
    expect(text).toBe(`【橙色预警】吴兴区暴雨橙色预警 ${url('https://yj.hz.gov.cn')} 回1确认`)
    expect(onPhone(text)).toBeLessThanOrEqual(SMS_SEGMENT_CHARS)
    expect(text).not.toContain(warning.description)
  })

  it('shortens the title rather than spill into a second segment', () => {
    const long = { ...warning, headline: '湖州市吴兴区应急管理局发布暴雨橙色预警' }
    for (const [w, base] of [[long, 'https://yj.hz.gov.cn'], [warning, 'https://yjj.wuxing.gov.cn'], [{ ...long, level: 1, eventType: '山洪' }, 'http://10.33.5.21:3000']] as const) {
      const text = sms(w, base)
      expect(onPhone(text), text).toBeLessThanOrEqual(SMS_SEGMENT_CHARS)
      expect(text.startsWith(`【${w.level === 1 ? '红色' : '橙色'}预警】`)).toBe(true)
      expect(text).toContain(w.eventType)
      expect(text).toContain(url(base))
    }
    expect(sms(long, 'https://yj.hz.gov.cn')).toBe(`【橙色预警】织里镇、八里…暴雨 ${url('https://yj.hz.gov.cn')} 回1确认`)
  })

  it('puts the link before the long text when nothing fits one segment', () => {
    const base = 'https://yingjiguanli.wuxingqu.huzhoushi.zhejiang.gov.cn'
    const text = sms(warning, base)
    expect(text.split('\n')).toEqual([`【橙色预警】${url(base)} 回1确认`, '吴兴区暴雨橙色预警'])
    const standIn = composeMessage({ warning, channel: 'sms', confirmUrl: url(base), standsInFor: { who: '织里居委会张三', listUrl: null } }).text
    expect(standIn.indexOf(url(base))).toBeLessThan(standIn.indexOf('织里居委会张三'))
  })
})

