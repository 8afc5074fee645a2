import crypto from 'node:crypto'

/**
 * Tencent Cloud API 3.0 signature v3, TC3-HMAC-SHA256, as its SMS and voice message (VMS) APIs
 * take it:
 *
 * 1. CanonicalRequest = method \n "/" \n query (empty for POST) \n CanonicalHeaders \n
 *    SignedHeaders \n hex(SHA256(body)), where CanonicalHeaders are the signed headers as
 *    "name:value\n", names and values lower-cased and trimmed, sorted by name, and SignedHeaders
 *    their names joined by ";";
 * 2. StringToSign = "TC3-HMAC-SHA256" \n timestamp \n CredentialScope \n hex(SHA256(CanonicalRequest)),
 *    CredentialScope = UTC date (of the timestamp) / service / "tc3_request";
 * 3. the signing key is HMAC-SHA256 chained over "TC3" + SecretKey: date, then service, then
 *    "tc3_request"; Signature = hex(HMAC-SHA256(key, StringToSign));
 * 4. Authorization: TC3-HMAC-SHA256 Credential=SecretId/CredentialScope, SignedHeaders=…, Signature=…
 *
 * Written from the published algorithm with node:crypto; signing.test.ts checks it against the
 * worked examples in Tencent Cloud's documentation. The loopback fake of the provider
 * (testing/peers/tencent-cloud.ts) verifies requests with these same steps.
 */

export type TencentCredentials = { secretId: string; secretKey: string }

export const TC3 = 'TC3-HMAC-SHA256'

const sha256Hex = (data: string | Buffer) => crypto.createHash('sha256').update(data).digest('hex')
const hmac = (key: string | Buffer, data: string) => crypto.createHmac('sha256', key).update(data, 'utf8').digest()

/** The UTC date of a Unix timestamp, as the credential scope names it: 2019-02-25. */
export const utcDate = (timestamp: number) => new Date(timestamp * 1000).toISOString().slice(0, 10)

export function canonicalRequest(
  method: string, headers: ReadonlyArray<readonly [string, string]>, payload: string | Buffer, query = '',
): { canonical: string; signedHeaders: string } {
  const sorted = headers.map(([n, v]) => [n.trim().toLowerCase(), v.trim().toLowerCase()] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  const signedHeaders = sorted.map(([n]) => n).join(';')
  const canonicalHeaders = sorted.map(([n, v]) => `${n}:${v}\n`).join('')
  return { canonical: [method, '/', query, canonicalHeaders, signedHeaders, sha256Hex(payload)].join('\n'), signedHeaders }
}

export const credentialScope = (timestamp: number, service: string) => `${utcDate(timestamp)}/${service}/tc3_request`

export function stringToSign(timestamp: number, service: string, canonical: string): string {
  return [TC3, String(timestamp), credentialScope(timestamp, service), sha256Hex(canonical)].join('\n')
}

export function signingKey(secretKey: string, timestamp: number, service: string): Buffer {
  return hmac(hmac(hmac(`TC3${secretKey}`, utcDate(timestamp)), service), 'tc3_request')
}

export const signatureWith = (key: Buffer, toSign: string) => crypto.createHmac('sha256', key).update(toSign, 'utf8').digest('hex')

export type SignInput = {
  creds: TencentCredentials
  /** Product the key is scoped to: "sms", "vms". */
  service: string
  /** Host header as sent (host, with :port when not the default). */
  host: string
  action: string
  version: string
  region: string
  timestamp: number
  payload: string
}

/** The headers of one signed JSON POST; content-type, host and x-tc-action are signed. */
export function signedHeaders(input: SignInput): Record<string, string> {
  const contentType = 'application/json; charset=utf-8'
  const { canonical, signedHeaders: names } = canonicalRequest('POST', [
    ['content-type', contentType], ['host', input.host], ['x-tc-action', input.action],
  ], input.payload)
  const signature = signatureWith(signingKey(input.creds.secretKey, input.timestamp, input.service), stringToSign(input.timestamp, input.service, canonical))
  return {
    authorization: `${TC3} Credential=${input.creds.secretId}/${credentialScope(input.timestamp, input.service)}, SignedHeaders=${names}, Signature=${signature}`,
    'content-type': contentType,
    host: input.host,
    'x-tc-action': input.action,
    'x-tc-timestamp': String(input.timestamp),
    'x-tc-version': input.version,
    'x-tc-region': input.region,
  }
}
