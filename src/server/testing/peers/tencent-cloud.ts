import crypto from 'node:crypto'
import http from 'node:http'
import { canonicalRequest, signatureWith, signingKey, stringToSign, utcDate } from '../../channels/tencent/signing.js'
import { Faults, listen, postCallback, readBody, sendJson, shutdown, sleep, stopSignal, waitForCount, type CallbackResult } from './http-peer.js'

/**
 * A loopback Tencent Cloud speaking API 3.0 for SMS (SendSms 2021-01-11) and voice messages
 * (VMS SendTtsVoice 2020-09-02) as documented: it checks each request as the provider does (the
 * Authorization header's form, a known SecretId, X-TC-Timestamp within five minutes, the credential
 * scope's date and service, and the TC3-HMAC-SHA256 signature recomputed from the headers named
 * in SignedHeaders and the body bytes received) and refuses with the provider's error bodies
 * (HTTP 200, Response.Error); then it checks the application id, signature name, template and its
 * parameter count, and answers SendStatusSet / SendStatus. It posts status reports, replies and
 * voice events, unsigned, to the callback URLs it is given.
 */

export type TencentSms = { serialNo: string; phone: string; appId: string; signName: string; templateId: string; params: string[]; sessionContext?: string }
export type TencentCall = { callId: string; phone: string; appId: string; templateId: string; params: string[]; playTimes?: number }

export type TencentCloudOptions = {
  port?: number
  secretId?: string
  secretKey?: string
  smsAppId?: string
  voiceAppId?: string
  signName?: string
  /** Template ids and how many parameters each takes. */
  smsTemplates?: Record<string, number>
  voiceTemplates?: Record<string, number>
  /** Base of the server's Tencent Cloud callbacks: …/api/gateway/tencent/<token>. */
  callbackBase?: string | null
}

export type TencentCloud = {
  url: string
  sms: TencentSms[]
  calls: TencentCall[]
  verified: number
  refused: string[]
  failNext(n: number, status?: number): void
  delayNext(ms: number, n?: number): void
  /** The next request whose signature holds gets Response.Error with this code. */
  refuseNextWith(code: string, message?: string): void
  setCallbackBase(url: string | null): void
  pushSmsStatus(serialNo: string, success?: boolean): Promise<CallbackResult>
  pushSmsReply(mobile: string, text: string, time?: Date): Promise<CallbackResult>
  pushVoicePrompt(callId: string, result: '0' | '1' | '2'): Promise<CallbackResult>
  pushVoiceKey(callId: string, keypress: string): Promise<CallbackResult>
  pushVoiceFailure(callId: string, reason: string): Promise<CallbackResult>
  env(): Record<string, string>
  waitForSms(n: number): Promise<TencentSms[]>
  close(): Promise<void>
}

const AUTHORIZATION = /^TC3-HMAC-SHA256 Credential=([^/\s]+)\/(\d{4}-\d{2}-\d{2})\/([a-z]+)\/tc3_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/
const SERVICE_OF: Record<string, { service: string; version: string }> = {
  SendSms: { service: 'sms', version: '2021-01-11' },
  SendTtsVoice: { service: 'vms', version: '2020-09-02' },
}
const strings = (v: unknown): string[] | null => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : null)

export async function startTencentCloud(opts: TencentCloudOptions = {}): Promise<TencentCloud> {
  const secretId = opts.secretId ?? 'AKIDtestSecretId0000000000000000'
  const secretKey = opts.secretKey ?? 'test-secret-key'
  const smsAppId = opts.smsAppId ?? '1400006666'
  const voiceAppId = opts.voiceAppId ?? '1400007777'
  const signName = opts.signName ?? '守望应急'
  const smsTemplates = opts.smsTemplates ?? { 100001: 2, 100002: 2, 100003: 2 }
  const voiceTemplates = opts.voiceTemplates ?? { 200001: 1, 200002: 1, 200003: 1 }
  const faults = new Faults()
  const stopping = stopSignal()
  const business: Array<{ code: string; message: string }> = []
  let callbackBase = opts.callbackBase ?? null
  let issued = 0

  const reply = (res: http.ServerResponse, body: Record<string, unknown>) => sendJson(res, 200, { Response: { ...body, RequestId: crypto.randomUUID() } })
  const refuse = (res: http.ServerResponse, code: string, message: string) => {
    cloud.refused.push(code)
    reply(res, { Error: { Code: code, Message: message } })
  }

  const server = http.createServer(async (req, res) => {
    const raw = await readBody(req)
    const failure = faults.takeFailure()
    if (failure !== undefined) return sendJson(res, failure, { message: `scripted failure ${failure}` })
    const header = (name: string) => { const v = req.headers[name]; return Array.isArray(v) ? v.join(',') : v ?? '' }
    const auth = AUTHORIZATION.exec(header('authorization'))
    if (!auth) return refuse(res, 'AuthFailure.InvalidAuthorization', 'Authorization 不符合腾讯云标准。')
    const [, id, date, service, signed, signature] = auth
    if (id !== secretId) return refuse(res, 'AuthFailure.SecretIdNotFound', 'The SecretId is not found, please ensure that your SecretId is correct.')
    const timestamp = Number(header('x-tc-timestamp'))
    if (!Number.isInteger(timestamp) || Math.abs(Date.now() / 1000 - timestamp) > 300) {
      return refuse(res, 'AuthFailure.SignatureExpire', 'Signature expired. Timestamp and server time cannot differ by more than five minutes.')
    }
    const names = signed.split(';')
    const action = header('x-tc-action')
    const expected = SERVICE_OF[action]
    if (!names.includes('content-type') || !names.includes('host')) return refuse(res, 'AuthFailure.InvalidAuthorization', 'SignedHeaders must include content-type and host.')
    const { canonical } = canonicalRequest(req.method ?? 'POST', names.map((n) => [n, header(n)] as const), raw)
    const mine = signatureWith(signingKey(secretKey, timestamp, service), stringToSign(timestamp, service, canonical))
    if (date !== utcDate(timestamp) || !expected || service !== expected.service || mine !== signature) {
      return refuse(res, 'AuthFailure.SignatureFailure', 'The provided credentials could not be validated. Please check your signature is correct.')
    }
    cloud.verified++
    if (header('x-tc-version') !== expected.version) return refuse(res, 'NoSuchVersion', 'The API version does not exist.')
    const delay = faults.takeDelay()
    if (delay) await sleep(delay, stopping.signal)
    const scripted = business.shift()
    if (scripted) return refuse(res, scripted.code, scripted.message)
    let body: Record<string, unknown>
    try {
      body = JSON.parse(raw)
    } catch {
      return refuse(res, 'FailedOperation.FailResolvePacket', '请求包解析失败。')
    }

    if (action === 'SendSms') {
      const phones = strings(body.PhoneNumberSet)
      const params = strings(body.TemplateParamSet) ?? []
      if (!phones || phones.length === 0) return refuse(res, 'MissingParameter', 'PhoneNumberSet is required.')
      if (body.SmsSdkAppId !== smsAppId) return refuse(res, 'InvalidParameterValue.SdkAppIdNotExist', 'SdkAppId 不存在。')
      if (body.SignName !== signName) return refuse(res, 'FailedOperation.SignatureIncorrectOrUnapproved', '签名未审批或格式错误。')
      const count = smsTemplates[String(body.TemplateId)]
      if (count === undefined) return refuse(res, 'FailedOperation.TemplateIncorrectOrUnapproved', '模板未审批或内容不匹配。')
      if (params.length !== count) return refuse(res, 'FailedOperation.TemplateParamSetNotMatchApprovedTemplate', '请求内容与审核通过的模板内容不匹配。')
      const statuses = phones.map((phone) => {
        if (!/^\+861[3-9]\d{9}$/.test(phone)) return { SerialNo: '', PhoneNumber: phone, Fee: 0, SessionContext: body.SessionContext ?? '', Code: 'InvalidParameterValue.IncorrectPhoneNumber', Message: '手机号格式错误。', IsoCode: '' }
        const sms: TencentSms = {
          serialNo: `2645:${crypto.randomInt(1e9)}${++issued}`, phone, appId: smsAppId, signName, templateId: String(body.TemplateId), params,
          ...(typeof body.SessionContext === 'string' ? { sessionContext: body.SessionContext } : {}),
        }
        cloud.sms.push(sms)
        return { SerialNo: sms.serialNo, PhoneNumber: phone, Fee: 1, SessionContext: body.SessionContext ?? '', Code: 'Ok', Message: 'send success', IsoCode: 'CN' }
      })
      return reply(res, { SendStatusSet: statuses })
    }
    // SendTtsVoice
    const params = strings(body.TemplateParamSet) ?? []
    if (body.VoiceSdkAppid !== voiceAppId) return refuse(res, 'InvalidParameterValue.SdkAppIdNotExist', 'SdkAppId 不存在。')
    const count = voiceTemplates[String(body.TemplateId)]
    if (count === undefined) return refuse(res, 'FailedOperation.TemplateIncorrectOrUnapproved', '模板未审批或内容不匹配。')
    if (params.length !== count) return refuse(res, 'InvalidParameterValue.TemplateParameterFormatError', '模板参数个数不符。')
    if (params.join('').length > 350) return refuse(res, 'InvalidParameterValue.TemplateParameterLengthLimit', '语音消息的内容长度不超过350字。')
    if (typeof body.CalledNumber !== 'string' || !/^\+861[3-9]\d{9}$/.test(body.CalledNumber)) return refuse(res, 'InvalidParameterValue.IncorrectPhoneNumber', '手机号格式错误。')
    const call: TencentCall = {
      callId: crypto.randomUUID(), phone: body.CalledNumber, appId: voiceAppId, templateId: String(body.TemplateId), params,
      ...(typeof body.PlayTimes === 'number' ? { playTimes: body.PlayTimes } : {}),
    }
    cloud.calls.push(call)
    return reply(res, { SendStatus: { CallId: call.callId, SessionContext: body.SessionContext ?? '' } })
  })

  const push = (path: string, body: unknown) => {
    if (!callbackBase) throw new Error('Tencent fake: no callback base set')
    return postCallback(`${callbackBase}${path}`, body, null, { signal: stopping.signal })
  }
  const callOf = (callId: string) => cloud.calls.find((c) => c.callId === callId)
  const bare = (e164: string | undefined) => (e164 ?? '').replace(/^\+86/, '')
  const endpoint = `${await listen(server, opts.port)}/`
  const cloud: TencentCloud = {
    url: endpoint,
    sms: [],
    calls: [],
    verified: 0,
    refused: [],
    failNext: (n, status = 500) => faults.failNext(n, status),
    delayNext: (ms, n = 1) => faults.delayNext(ms, n),
    refuseNextWith: (code, message = code) => { business.push({ code, message }) },
    setCallbackBase: (url) => { callbackBase = url },
    pushSmsStatus: (serialNo, success = true) => {
      const sms = cloud.sms.find((s) => s.serialNo === serialNo)
      return push('/sms-status', [{
        user_receive_time: new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' '), nationcode: '86', mobile: bare(sms?.phone),
        report_status: success ? 'SUCCESS' : 'FAIL', errmsg: success ? 'DELIVRD' : 'MK:0001', description: success ? '用户短信送达成功' : '用户短信接收失败', sid: serialNo,
      }])
    },
    pushSmsReply: (mobile, text, time = new Date()) =>
      push('/sms-reply', { extend: '', mobile, nationcode: '86', sign: signName, text, time: Math.floor(time.getTime() / 1000) }),
    pushVoicePrompt: (callId, result) => {
      const now = String(Math.floor(Date.now() / 1000))
      return push('/voice', { voiceprompt_callback: { result, accept_time: now, call_from: '', callid: callId, end_calltime: now, fee: '1', mobile: bare(callOf(callId)?.phone), nationcode: '86', start_calltime: now } })
    },
    pushVoiceKey: (callId, keypress) =>
      push('/voice', { voicekey_callback: { call_from: '', callid: callId, keypress, mobile: bare(callOf(callId)?.phone), nationcode: '86' } }),
    pushVoiceFailure: (callId, reason) =>
      push('/voice', { voice_failure_callback: { call_from: '', callid: callId, failure_code: 8, failure_reason: reason, mobile: bare(callOf(callId)?.phone), nationcode: '86' } }),
    env: () => ({
      SHOUWANG_TENCENT_SECRET_ID: secretId, SHOUWANG_TENCENT_SECRET_KEY: secretKey,
      SHOUWANG_TENCENT_SMS_APP_ID: smsAppId, SHOUWANG_TENCENT_SMS_SIGN_NAME: signName,
      SHOUWANG_TENCENT_SMS_TEMPLATE_WARNING: '100001', SHOUWANG_TENCENT_SMS_TEMPLATE_ESCALATION: '100002', SHOUWANG_TENCENT_SMS_TEMPLATE_NOTICE: '100003',
      SHOUWANG_TENCENT_VOICE_APP_ID: voiceAppId,
      SHOUWANG_TENCENT_VOICE_TEMPLATE_WARNING: '200001', SHOUWANG_TENCENT_VOICE_TEMPLATE_ESCALATION: '200002', SHOUWANG_TENCENT_VOICE_TEMPLATE_NOTICE: '200003',
      SHOUWANG_TENCENT_SMS_ENDPOINT: endpoint, SHOUWANG_TENCENT_VOICE_ENDPOINT: endpoint,
    }),
    waitForSms: (n) => waitForCount(cloud.sms, n, 'Tencent SMS'),
    close: async () => {
      stopping.abort()
      await shutdown(server)
    },
  }
  return cloud
}
