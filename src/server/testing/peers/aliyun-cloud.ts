import crypto from 'node:crypto'
import http from 'node:http'
import { rpcSignature, stringToSign, type RpcMethod } from '../../channels/aliyun/signing.js'
import { Faults, listen, postCallback, readBody, sendJson, shutdown, sleep, stopSignal, waitForCount, type CallbackResult } from './http-peer.js'

/**
 * A loopback Alibaba Cloud speaking the RPC APIs of SMS (dysmsapi SendSms) and voice notification
 * (dyvmsapi SingleCallByTts) as documented: it checks each request as the provider does (known
 * AccessKeyId, fresh Timestamp, unused SignatureNonce, the HMAC-SHA1 signature recomputed from
 * the parameters received) and refuses with the provider's error bodies; then it checks the
 * signature name, template code and template variables, and answers { Code: "OK", BizId } or
 * { Code: "OK", CallId }. It pushes SmsReport, SmsUp and VoiceReport batches, unsigned, to the
 * callback URLs it is given, as the provider's HTTP batch push does.
 */

export type AliyunSms = { bizId: string; phone: string; signName: string; templateCode: string; params: Record<string, string>; outId?: string }
export type AliyunCall = { callId: string; number: string; ttsCode: string; params: Record<string, string>; showNumber?: string; outId?: string }

export type AliyunCloudOptions = {
  port?: number
  accessKeyId?: string
  accessKeySecret?: string
  signName?: string
  /** Template codes and the variables each declares. */
  smsTemplates?: Record<string, string[]>
  ttsTemplates?: Record<string, string[]>
  /** Longest value of one SMS variable the account allows; none by default. */
  smsParamMax?: number
  /** Base of the server's Alibaba Cloud callbacks: …/api/gateway/aliyun/<token>. */
  callbackBase?: string | null
}

export type AliyunCloud = {
  url: string
  sms: AliyunSms[]
  calls: AliyunCall[]
  /** Requests whose signature held, and the error codes of those refused. */
  verified: number
  refused: string[]
  failNext(n: number, status?: number): void
  delayNext(ms: number, n?: number): void
  /** The next request that passes the signature check is answered HTTP 200 with this business Code. */
  refuseNextWith(code: string, message?: string): void
  setCallbackBase(url: string | null): void
  pushSmsReport(bizId: string, success?: boolean, errCode?: string): Promise<CallbackResult>
  pushSmsUp(phone: string, content: string, sendTime?: string): Promise<CallbackResult>
  pushVoiceReport(callId: string, statusCode?: string, dtmf?: string): Promise<CallbackResult>
  /** SHOUWANG_* settings pointing a server's SMS and voice at this fake. */
  env(): Record<string, string>
  waitForSms(n: number): Promise<AliyunSms[]>
  close(): Promise<void>
}

const TEMPLATE_SMS: Record<string, string[]> = { SMS_WARNING: ['title', 'content'], SMS_ESCALATION: ['title', 'content'], SMS_NOTICE: ['title', 'content'] }
const TEMPLATE_TTS: Record<string, string[]> = { TTS_WARNING: ['content'], TTS_ESCALATION: ['content'], TTS_NOTICE: ['content'] }

/** Beijing time as the provider writes it in reports: 2026-07-20 10:00:00. */
export const beijingTime = (at: Date) => new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ')

export async function startAliyunCloud(opts: AliyunCloudOptions = {}): Promise<AliyunCloud> {
  const keyId = opts.accessKeyId ?? 'LTAI5tTestKeyId'
  const secret = opts.accessKeySecret ?? 'test-access-key-secret'
  const signName = opts.signName ?? '守望应急'
  const smsTemplates = opts.smsTemplates ?? TEMPLATE_SMS
  const ttsTemplates = opts.ttsTemplates ?? TEMPLATE_TTS
  const faults = new Faults()
  const stopping = stopSignal()
  const nonces = new Set<string>()
  const business: Array<{ code: string; message: string }> = []
  let callbackBase = opts.callbackBase ?? null
  let issued = 0

  const refuse = (res: http.ServerResponse, status: number, code: string, message: string) => {
    cloud.refused.push(code)
    sendJson(res, status, { RequestId: crypto.randomUUID(), HostId: 'dysmsapi.aliyuncs.com', Code: code, Message: message })
  }
  const answer = (res: http.ServerResponse, body: Record<string, unknown>) => sendJson(res, 200, { RequestId: crypto.randomUUID(), ...body })

  /** The template variables, or the business error the provider gives for them. */
  function variables(json: string | undefined, declared: string[] | undefined, max?: number): { ok: true; params: Record<string, string> } | { ok: false; code: string; message: string } {
    if (!declared) return { ok: false, code: 'isv.SMS_TEMPLATE_ILLEGAL', message: '该账号下找不到对应模板' }
    let params: Record<string, unknown>
    try {
      params = JSON.parse(json ?? '')
    } catch {
      return { ok: false, code: 'isv.INVALID_JSON_PARAM', message: 'JSON参数不合法，只接受字符串值' }
    }
    if (!params || typeof params !== 'object' || declared.some((v) => typeof params[v] !== 'string' || params[v] === '')) {
      return { ok: false, code: 'isv.TEMPLATE_MISSING_PARAMETERS', message: '模板缺少变量' }
    }
    if (max !== undefined && declared.some((v) => Array.from(params[v] as string).length > max)) return { ok: false, code: 'isv.PARAM_LENGTH_LIMIT', message: '参数超出长度限制' }
    return { ok: true, params: params as Record<string, string> }
  }

  const server = http.createServer(async (req, res) => {
    const raw = await readBody(req)
    const failure = faults.takeFailure()
    if (failure !== undefined) return sendJson(res, failure, { Code: 'ServiceUnavailable', Message: `scripted failure ${failure}` })
    const url = new URL(req.url ?? '/', 'http://fake')
    const p: Record<string, string> = Object.fromEntries(url.searchParams)
    if ((req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) Object.assign(p, Object.fromEntries(new URLSearchParams(raw)))
    for (const name of ['AccessKeyId', 'Signature', 'SignatureMethod', 'SignatureVersion', 'SignatureNonce', 'Timestamp', 'Action', 'Version']) {
      if (!p[name]) return refuse(res, 400, 'MissingParameter', `${name} is mandatory for this action.`)
    }
    if (p.AccessKeyId !== keyId) return refuse(res, 404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.')
    if (p.SignatureMethod !== 'HMAC-SHA1' || p.SignatureVersion !== '1.0') return refuse(res, 400, 'InvalidParameter', 'Specified signature method or version is not supported.')
    const at = Date.parse(p.Timestamp)
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(p.Timestamp) || !(Math.abs(Date.now() - at) <= 31 * 60_000)) {
      return refuse(res, 400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.')
    }
    const method = (req.method ?? 'GET') as RpcMethod
    if (rpcSignature(method, p, secret) !== p.Signature) {
      return refuse(res, 400, 'SignatureDoesNotMatch', `Specified signature is not matched with our calculation. server string to sign is:${stringToSign(method, p)}`)
    }
    if (nonces.has(p.SignatureNonce)) return refuse(res, 400, 'SignatureNonceUsed', 'Specified signature nonce was used already.')
    nonces.add(p.SignatureNonce)
    cloud.verified++
    const delay = faults.takeDelay()
    if (delay) await sleep(delay, stopping.signal)
    const scripted = business.shift()
    if (scripted) return answer(res, { Code: scripted.code, Message: scripted.message })

    if (p.Action === 'SendSms' && p.Version === '2017-05-25') {
      if (!/^1[3-9]\d{9}$/.test(p.PhoneNumbers ?? '')) return answer(res, { Code: 'isv.MOBILE_NUMBER_ILLEGAL', Message: '非法手机号' })
      if (p.SignName !== signName) return answer(res, { Code: 'isv.SMS_SIGNATURE_ILLEGAL', Message: '该账号下找不到对应签名' })
      const vars = variables(p.TemplateParam, smsTemplates[p.TemplateCode ?? ''], opts.smsParamMax)
      if (!vars.ok) return answer(res, { Code: vars.code, Message: vars.message })
      const sms: AliyunSms = { bizId: `${900619746936498440n + BigInt(++issued)}^0`, phone: p.PhoneNumbers, signName: p.SignName, templateCode: p.TemplateCode, params: vars.params, ...(p.OutId ? { outId: p.OutId } : {}) }
      cloud.sms.push(sms)
      return answer(res, { Code: 'OK', Message: 'OK', BizId: sms.bizId })
    }
    if (p.Action === 'SingleCallByTts' && p.Version === '2017-05-25') {
      if (!/^(1[3-9]\d{9}|0\d{9,11})$/.test(p.CalledNumber ?? '')) return answer(res, { Code: 'isv.MOBILE_NUMBER_ILLEGAL', Message: '号码格式非法' })
      const vars = variables(p.TtsParam, ttsTemplates[p.TtsCode ?? ''])
      if (!vars.ok) return answer(res, { Code: vars.code, Message: vars.message })
      // All variables together must stay under 250 characters.
      if (Object.values(vars.params).join('').length >= 250) return answer(res, { Code: 'isv.PARAM_LENGTH_LIMIT', Message: '模板变量超长' })
      const call: AliyunCall = { callId: `116012354148^${102813780000 + ++issued}`, number: p.CalledNumber, ttsCode: p.TtsCode, params: vars.params, ...(p.CalledShowNumber ? { showNumber: p.CalledShowNumber } : {}), ...(p.OutId ? { outId: p.OutId } : {}) }
      cloud.calls.push(call)
      return answer(res, { Code: 'OK', Message: 'OK', CallId: call.callId })
    }
    return refuse(res, 404, 'InvalidAction.NotFound', `Specified api is not found, please check your url and method.`)
  })

  const push = (path: string, body: unknown) => {
    if (!callbackBase) throw new Error('Aliyun fake: no callback base set')
    return postCallback(`${callbackBase}${path}`, body, null, { signal: stopping.signal })
  }
  const endpoint = `${await listen(server, opts.port)}/`
  const cloud: AliyunCloud = {
    url: endpoint,
    sms: [],
    calls: [],
    verified: 0,
    refused: [],
    failNext: (n, status = 500) => faults.failNext(n, status),
    delayNext: (ms, n = 1) => faults.delayNext(ms, n),
    refuseNextWith: (code, message = code) => { business.push({ code, message }) },
    setCallbackBase: (url) => { callbackBase = url },
    pushSmsReport: (bizId, success = true, errCode) => {
      const sms = cloud.sms.find((s) => s.bizId === bizId)
      const now = beijingTime(new Date())
      return push('/sms-report', [{
        phone_number: sms?.phone ?? '', send_time: now, report_time: now, success,
        err_code: success ? 'DELIVERED' : errCode ?? 'MK:0001', err_msg: success ? '用户接收成功' : '用户接收失败',
        sms_size: '1', biz_id: bizId, out_id: sms?.outId ?? '',
      }])
    },
    pushSmsUp: (phone, content, sendTime = beijingTime(new Date())) =>
      push('/sms-up', [{ phone_number: phone, content, send_time: sendTime, sign_name: signName, dest_code: '1234', sequence_id: ++issued }]),
    pushVoiceReport: (callId, statusCode = '200000', dtmf) => {
      const call = cloud.calls.find((c) => c.callId === callId)
      const now = beijingTime(new Date())
      return push('/voice-report', [{
        status_code: statusCode, status_msg: statusCode === '200000' ? '用户听完语音' : '呼叫结束', call_id: callId,
        callee: call?.number ?? '', caller: call?.showNumber ?? '', duration: '10', voice_type: 'voice', toll_type: 'LOCAL',
        originate_time: now, end_time: now, out_id: call?.outId ?? '', ...(dtmf !== undefined ? { dtmf } : {}),
      }])
    },
    env: () => ({
      SHOUWANG_ALIYUN_ACCESS_KEY_ID: keyId, SHOUWANG_ALIYUN_ACCESS_KEY_SECRET: secret, SHOUWANG_ALIYUN_SMS_SIGN_NAME: signName,
      SHOUWANG_ALIYUN_SMS_TEMPLATE_WARNING: 'SMS_WARNING', SHOUWANG_ALIYUN_SMS_TEMPLATE_ESCALATION: 'SMS_ESCALATION', SHOUWANG_ALIYUN_SMS_TEMPLATE_NOTICE: 'SMS_NOTICE',
      SHOUWANG_ALIYUN_VOICE_TEMPLATE_WARNING: 'TTS_WARNING', SHOUWANG_ALIYUN_VOICE_TEMPLATE_ESCALATION: 'TTS_ESCALATION', SHOUWANG_ALIYUN_VOICE_TEMPLATE_NOTICE: 'TTS_NOTICE',
      SHOUWANG_ALIYUN_SMS_ENDPOINT: endpoint, SHOUWANG_ALIYUN_VOICE_ENDPOINT: endpoint,
    }),
    waitForSms: (n) => waitForCount(cloud.sms, n, 'Aliyun SMS'),
    close: async () => {
      stopping.abort()
      await shutdown(server)
    },
  }
  return cloud
}
