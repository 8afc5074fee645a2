import crypto from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { canonicalRequest, credentialScope, signatureWith, signedHeaders, signingKey, stringToSign, utcDate } from './signing.js'

// The worked example of Tencent Cloud's "签名方法 v3": a CVM DescribeInstances request, POSTed as
// JSON at Unix time 1551113065, whose body keeps its \u escapes as sent.
const PAYLOAD = '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}'
const TIMESTAMP = 1551113065
const CONTENT_TYPE = 'application/json; charset=utf-8'

describe('Tencent Cloud TC3-HMAC-SHA256 signature', () => {
  it('reproduces the documented example that signs content-type and host, end to end', () => {
    // The earlier edition of the example gives the key with its tail masked as seven "*", and the
    // signature made with exactly that string.
    const { canonical, signedHeaders: names } = canonicalRequest('POST', [['content-type', CONTENT_TYPE], ['host', 'cvm.tencentcloudapi.com']], PAYLOAD)
    expect(names).toBe('content-type;host')
    expect(canonical).toBe('POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n\ncontent-type;host\n'
      + '35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064')
    const toSign = stringToSign(TIMESTAMP, 'cvm', canonical)
    expect(toSign).toBe('TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031')
    expect(signatureWith(signingKey('Gu5t9xGARNpq86cd98joQYCN3*******', TIMESTAMP, 'cvm'), toSign))
      .toBe('2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c')
  })

  it('reproduces the current documented example that also signs x-tc-action (lower-cased value)', () => {
    const { canonical, signedHeaders: names } = canonicalRequest('POST', [
      ['Host', 'cvm.tencentcloudapi.com'], ['X-TC-Action', 'DescribeInstances'], ['Content-Type', CONTENT_TYPE],
    ], PAYLOAD)
    expect(names).toBe('content-type;host;x-tc-action')
    expect(canonical).toContain('\nx-tc-action:describeinstances\n')
    const toSign = stringToSign(TIMESTAMP, 'cvm', canonical)
    expect(toSign.split('\n')[3]).toBe('7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84')
    // This edition masks the whole key but publishes the derived signing key and the signature.
    const publishedKey = Buffer.from('b596b923aad85185e2d1f6659d2a062e0a86731226e021e61bfe06f7ed05f5af', 'hex')
    expect(signatureWith(publishedKey, toSign)).toBe('10b1a37a7301a02ca19a647ad722d5e43b4b3cff309d421d85b46093f6ab6c4f')
  })

  it('derives the signing key by the documented chain of HMACs', () => {
    const h = (k: string | Buffer, d: string) => crypto.createHmac('sha256', k).update(d).digest()
    expect(signingKey('secret', TIMESTAMP, 'sms')).toEqual(h(h(h('TC3secret', '2019-02-25'), 'sms'), 'tc3_request'))
    expect(utcDate(TIMESTAMP)).toBe('2019-02-25')
    expect(credentialScope(TIMESTAMP, 'sms')).toBe('2019-02-25/sms/tc3_request')
  })

  it('builds the headers of a request, whose Authorization verifies against its own parts', () => {
    const payload = '{"PhoneNumberSet":["+8613800000000"]}'
    const headers = signedHeaders({
      creds: { secretId: 'AKIDexample', secretKey: 'key' }, service: 'sms', host: 'sms.tencentcloudapi.com',
      action: 'SendSms', version: '2021-01-11', region: 'ap-guangzhou', timestamp: TIMESTAMP, payload,
    })
    expect(headers).toMatchObject({
      host: 'sms.tencentcloudapi.com', 'x-tc-action': 'SendSms', 'x-tc-timestamp': '1551113065', 'x-tc-version': '2021-01-11', 'x-tc-region': 'ap-guangzhou',
    })
    const m = /^TC3-HMAC-SHA256 Credential=AKIDexample\/2019-02-25\/sms\/tc3_request, SignedHeaders=content-type;host;x-tc-action, Signature=([0-9a-f]{64})$/.exec(headers.authorization)
    expect(m).not.toBeNull()
    const { canonical } = canonicalRequest('POST', [['content-type', headers['content-type']], ['host', headers.host], ['x-tc-action', 'SendSms']], payload)
    expect(m![1]).toBe(signatureWith(signingKey('key', TIMESTAMP, 'sms'), stringToSign(TIMESTAMP, 'sms', canonical)))
  })
})
