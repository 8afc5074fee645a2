import { kindOf, mainlandMobile, notMobile, smsVariables } from '../provider-text.js'
import type { ChannelAdapter, SendResult } from '../types.js'
import { callTc3, describeCode, isRetryableCode } from './client.js'
import type { TencentSmsConfig } from './config.js'

/**
 * SMS through Tencent Cloud's SendSms (API version 2021-01-11), one number per call. The template
 * registered for the message's kind takes two variables, {1} the title and {2} the content
 * (provider-text.ts). The SerialNo of the number's send status is the id the status callbacks
 * name (their `sid`).
 *
 * SendSms is not idempotent: a send that timed out and is tried again may reach the phone twice.
 * SessionContext carries our key, so the provider's records show the repeat.
 */
export function tencentSmsAdapter(config: TencentSmsConfig): ChannelAdapter {
  return {
    channel: 'sms',
    async send(msg, signal): Promise<SendResult> {
      const phone = mainlandMobile(msg.address)
      if (!phone) return { state: 'failed', error: notMobile(msg.address), retryable: false }
      const { title, content } = smsVariables(msg, config.paramMax)
      const res = await callTc3(config.endpoint, {
        service: 'sms', action: 'SendSms', version: '2021-01-11', region: config.region, creds: config.credentials,
        payload: {
          PhoneNumberSet: [`+86${phone}`],
          SmsSdkAppId: config.appId,
          SignName: config.signName,
          TemplateId: config.templates[kindOf(msg)],
          TemplateParamSet: [title, content],
          SessionContext: msg.key,
        },
      }, { peer: '腾讯云短信接口', timeoutMs: config.timeoutMs, signal })
      if (!res.ok) return { state: 'failed', error: res.error, retryable: res.retryable }
      const set = res.response.SendStatusSet
      const status = Array.isArray(set) ? (set[0] as Record<string, unknown> | undefined) : undefined
      if (!status) return { state: 'failed', error: '腾讯云短信接口的应答缺少发送状态（SendStatusSet）', retryable: true }
      const code = String(status.Code ?? '')
      // Per-number outcome: "Ok" is the documented success code, spelled so.
      if (code !== 'Ok') return { state: 'failed', error: describeCode('腾讯云短信接口', code, status.Message), retryable: isRetryableCode(code) }
      const serial = status.SerialNo
      if (typeof serial === 'string' && serial !== '') return { state: 'sent', providerId: serial }
      return { state: 'failed', error: '腾讯云短信接口的应答缺少流水号（SerialNo）', retryable: false }
    },
  }
}
