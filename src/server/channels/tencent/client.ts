import { postBody } from '../http.js'
import { signedHeaders, type TencentCredentials } from './signing.js'

/**
 * One signed call to a Tencent Cloud API 3.0 endpoint (JSON POST, TC3-HMAC-SHA256), and its
 * answer sorted for the dispatcher. Every answer is HTTP 200 { Response: { …, RequestId } };
 * a failure carries Response.Error { Code, Message }.
 */

export type Tc3Answer =
  | { ok: true; response: Record<string, unknown> }
  | { ok: false; error: string; retryable: boolean }

// Codes that may pass on a later try: the platform's trouble, frequency limits (per API, per
// number), and an expired signature (the retry is signed afresh). Everything else is final.
const RETRYABLE = /^(InternalError|RequestLimitExceeded|LimitExceeded\.(PhoneNumber|Delivery)|ResourceUnavailable|AuthFailure\.SignatureExpire)/

/** What an operator should check, for the codes a misconfiguration produces. */
const HINTS: Record<string, string> = {
  'AuthFailure.SignatureFailure': '签名不符，请核对 SHOUWANG_TENCENT_SECRET_KEY',
  'AuthFailure.SecretIdNotFound': 'SecretId 不存在，请核对 SHOUWANG_TENCENT_SECRET_ID',
  'AuthFailure.SignatureExpire': '签名过期，请校准服务器时钟（相差不得超过 5 分钟）',
  'FailedOperation.SignatureIncorrectOrUnapproved': '短信签名未审核通过或与 SHOUWANG_TENCENT_SMS_SIGN_NAME 不符',
  'FailedOperation.TemplateIncorrectOrUnapproved': '模板未审核通过或内容不符',
  'FailedOperation.TemplateParamSetNotMatchApprovedTemplate': '模板变量个数与所传参数不符（短信为 2 个，语音为 1 个）',
  'InvalidParameterValue.TemplateParameterLengthLimit': '变量超长，可设置 SHOUWANG_SMS_PARAM_MAX',
  'InvalidParameterValue.IncorrectPhoneNumber': '手机号码格式错误',
  'InvalidParameterValue.SdkAppIdNotExist': 'SdkAppId 不存在，请核对应用 ID',
}

export const describeCode = (peer: string, code: string, message: unknown) => {
  const why = HINTS[code] ?? String(message ?? '').slice(0, 120)
  return `${peer}拒绝请求：${code}${why ? `（${why}）` : ''}`
}

export const isRetryableCode = (code: string) => RETRYABLE.test(code)

export async function callTc3(
  endpoint: string, call: { service: string; action: string; version: string; region: string; creds: TencentCredentials; payload: unknown },
  opts: { peer: string; timeoutMs: number; signal?: AbortSignal },
): Promise<Tc3Answer> {
  const payload = JSON.stringify(call.payload)
  let host: string
  try {
    host = new URL(endpoint).host
  } catch {
    return { ok: false, error: `${opts.peer}地址“${endpoint}”不是有效的网址`, retryable: false }
  }
  const headers = signedHeaders({ ...call, host, timestamp: Math.floor(Date.now() / 1000), payload })
  const res = await postBody(endpoint, Buffer.from(payload), { ...headers, accept: 'application/json' }, opts)
  if (!res.ok) return res
  const response = res.body && typeof res.body === 'object' ? (res.body as Record<string, unknown>).Response : undefined
  if (!response || typeof response !== 'object') return { ok: false, error: `${opts.peer}的应答无法识别（缺少 Response）`, retryable: true }
  const error = (response as Record<string, unknown>).Error as { Code?: unknown; Message?: unknown } | undefined
  if (error && typeof error === 'object') {
    const code = String(error.Code ?? 'UnknownError')
    return { ok: false, error: describeCode(opts.peer, code, error.Message), retryable: isRetryableCode(code) }
  }
  return { ok: true, response: response as Record<string, unknown> }
}
