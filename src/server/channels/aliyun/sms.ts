import { kindOf, mainlandMobile, notMobile, smsVariables } from '../provider-text.js'
import type { ChannelAdapter, SendResult } from '../types.js'
import { callRpc } from './client.js'
import type { AliyunSmsConfig } from './config.js'

/**
 * SMS through Alibaba Cloud's dysmsapi SendSms (API version 2017-05-25), one number per call so
 * each message has its own BizId, which the status reports (SmsReport) name. The text travels as
 * the variables title and content of the template registered for its kind (provider-text.ts).
 *
 * SendSms is not idempotent: a send that timed out and is tried again may reach the phone twice.
 * OutId carries our key, so the provider's records show the repeat.
 */
export function aliyunSmsAdapter(config: AliyunSmsConfig): ChannelAdapter {
  return {
    channel: 'sms',
    async send(msg, signal): Promise<SendResult> {
      const phone = mainlandMobile(msg.address)
      if (!phone) return { state: 'failed', error: notMobile(msg.address), retryable: false }
      const params: Record<string, string> = {
        Action: 'SendSms',
        Version: '2017-05-25',
        RegionId: 'cn-hangzhou',
        PhoneNumbers: phone,
        SignName: config.signName,
        TemplateCode: config.templates[kindOf(msg)],
        TemplateParam: JSON.stringify(smsVariables(msg, config.paramMax)),
      }
      if (msg.key.length <= 64) params.OutId = msg.key
      const res = await callRpc(config.endpoint, params, config.credentials, { peer: '阿里云短信接口', timeoutMs: config.timeoutMs, signal })
      if (!res.ok) return { state: 'failed', error: res.error, retryable: res.retryable }
      const bizId = res.body.BizId
      if (typeof bizId === 'string' && bizId !== '') return { state: 'sent', providerId: bizId }
      return { state: 'failed', error: '阿里云短信接口的应答缺少回执编号（BizId）', retryable: false }
    },
  }
}
