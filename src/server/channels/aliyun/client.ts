import crypto from 'node:crypto'
import { postBody } from '../http.js'
import { formBody, signRpc, type AliyunCredentials } from './signing.js'

/**
 * One signed RPC call to an Alibaba Cloud API (form-encoded POST to the endpoint's root), and its
 * answer sorted for the dispatcher. The API answers JSON ({ Code, Message, RequestId, … }): Code
 * "OK" is success; signature and key errors come with HTTP 4xx, business refusals (template,
 * signature name, rate limits) with HTTP 200 and their own Code.
 */

export type RpcAnswer =
  | { ok: true; body: Record<string, unknown> }
  | { ok: false; error: string; retryable: boolean }

// Codes that may pass on a later try: flow control, throttling, the platform's own trouble, and
// a nonce clash (the retry is signed with a new one). Everything else is in what we sent.
const RETRYABLE = /^(isv\.BUSINESS_LIMIT_CONTROL|isv\.DAY_LIMIT_CONTROL|Throttling(\..*)?|isp\.(SYSTEM_ERROR|GATEWAY_ERROR)|ServiceUnavailable|InternalError|SignatureNonceUsed)$/

/** What an operator should check, for the codes a misconfiguration produces. */
const HINTS: Record<string, string> = {
  SignatureDoesNotMatch: '签名不符，请核对 SHOUWANG_ALIYUN_ACCESS_KEY_SECRET',
  'InvalidAccessKeyId.NotFound': 'AccessKey ID 不存在，请核对 SHOUWANG_ALIYUN_ACCESS_KEY_ID',
  'InvalidTimeStamp.Expired': '请求时间与阿里云相差过大，请校准服务器时钟',
  'isv.SMS_SIGNATURE_ILLEGAL': '短信签名不可用，请核对 SHOUWANG_ALIYUN_SMS_SIGN_NAME 是否已审核通过',
  'isv.SMS_TEMPLATE_ILLEGAL': '模板不可用，请核对模板 Code 是否已审核通过',
  'isv.TEMPLATE_MISSING_PARAMETERS': '模板变量与所传参数不符（应为 title、content）',
  'isv.INVALID_PARAMETERS': '参数不合规，可能是变量超长，可设置 SHOUWANG_SMS_PARAM_MAX',
  'isv.MOBILE_NUMBER_ILLEGAL': '手机号码格式错误',
  'isv.BUSINESS_LIMIT_CONTROL': '触发对同一号码的发送频率限制，稍后重试',
}

export async function callRpc(
  endpoint: string, params: Record<string, string>, creds: AliyunCredentials,
  opts: { peer: string; timeoutMs: number; signal?: AbortSignal },
): Promise<RpcAnswer> {
  const signed = signRpc(params, creds, { now: new Date(), nonce: crypto.randomUUID() })
  const res = await postBody(endpoint, Buffer.from(formBody(signed)), {
    'content-type': 'application/x-www-form-urlencoded; charset=utf-8', accept: 'application/json',
  }, opts)
  const body = res.body
  const code = body && typeof body === 'object' ? (body as Record<string, unknown>).Code : undefined
  if (res.ok && code === 'OK') return { ok: true, body: body as Record<string, unknown> }
  if (typeof code !== 'string') {
    return res.ok ? { ok: false, error: `${opts.peer}的应答无法识别（缺少 Code）`, retryable: true } : res
  }
  const message = String((body as Record<string, unknown>).Message ?? '').split(/server string to sign/i)[0].trim().slice(0, 120)
  const why = HINTS[code] ?? message
  // A 5xx is the platform's trouble whatever its code says.
  const retryable = RETRYABLE.test(code) || (!res.ok && res.retryable)
  return { ok: false, error: `${opts.peer}拒绝请求：${code}${why ? `（${why}）` : ''}`, retryable }
}
