import crypto from 'node:crypto'

/**
 * Alibaba Cloud's RPC request signature, SignatureVersion 1.0 with HMAC-SHA1, as its SMS
 * (dysmsapi) and voice (dyvmsapi) APIs take it:
 *
 * 1. every request parameter except Signature, name and value percent-encoded as RFC 3986 says
 *    (A–Z a–z 0–9 - _ . ~ kept, everything else as %XY of its UTF-8 bytes, space as %20, never +),
 *    sorted by name and joined as name=value&…: the canonicalized query string;
 * 2. StringToSign = HTTPMethod + "&" + percentEncode("/") + "&" + percentEncode(that string);
 * 3. Signature = Base64(HMAC-SHA1(AccessKeySecret + "&", StringToSign)).
 *
 * Written from the published algorithm with node:crypto; signing.test.ts checks it against the
 * worked example in Alibaba Cloud's SMS documentation. The loopback fake of the provider
 * (testing/peers/aliyun-cloud.ts) verifies requests with these same steps.
 */

export type AliyunCredentials = { accessKeyId: string; accessKeySecret: string }

export type RpcMethod = 'GET' | 'POST'

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

export function percentEncode(value: string): string {
  // encodeURIComponent already keeps only A–Z a–z 0–9 - _ . ~ and ! ' ( ) *; the last five are
  // encoded too. A lone surrogate in a message would make it throw: it becomes U+FFFD first.
  return encodeURIComponent(value.replace(LONE_SURROGATE, '\uFFFD')).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

// Parameter names are ASCII, so code-unit order is the dictionary order the algorithm asks for.
const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

export function canonicalQuery(params: Readonly<Record<string, string>>): string {
  return Object.keys(params).filter((k) => k !== 'Signature').sort(byName)
    .map((k) => `${percentEncode(k)}=${percentEncode(params[k])}`).join('&')
}

export function stringToSign(method: RpcMethod, params: Readonly<Record<string, string>>): string {
  return `${method}&${percentEncode('/')}&${percentEncode(canonicalQuery(params))}`
}

export function rpcSignature(method: RpcMethod, params: Readonly<Record<string, string>>, accessKeySecret: string): string {
  return crypto.createHmac('sha1', `${accessKeySecret}&`).update(stringToSign(method, params), 'utf8').digest('base64')
}

/** ISO 8601 in UTC to the second, the only Timestamp form the APIs take: 2017-07-12T02:42:19Z. */
export const rpcTimestamp = (at: Date) => at.toISOString().replace(/\.\d{3}Z$/, 'Z')

/**
 * The operation's parameters with the common ones added and signed for a POST. The nonce must
 * differ on every request (the API refuses a repeat as a replay); a retry is signed afresh.
 */
export function signRpc(
  params: Readonly<Record<string, string>>, creds: AliyunCredentials, at: { now: Date; nonce: string },
): Record<string, string> {
  const all: Record<string, string> = {
    ...params,
    AccessKeyId: creds.accessKeyId,
    Format: 'JSON',
    SignatureMethod: 'HMAC-SHA1',
    SignatureNonce: at.nonce,
    SignatureVersion: '1.0',
    Timestamp: rpcTimestamp(at.now),
  }
  return { ...all, Signature: rpcSignature('POST', all, creds.accessKeySecret) }
}

/** The signed parameters as an application/x-www-form-urlencoded body, encoded the same way. */
export function formBody(params: Readonly<Record<string, string>>): string {
  return Object.keys(params).map((k) => `${percentEncode(k)}=${percentEncode(params[k])}`).join('&')
}
