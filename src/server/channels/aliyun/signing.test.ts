import { describe, expect, it } from 'vitest'
import { canonicalQuery, formBody, percentEncode, rpcSignature, signRpc, stringToSign } from './signing.js'

// The worked example of Alibaba Cloud's SMS documentation (HTTP协议及签名): AccessKeyId testId,
// AccessKeySecret testSecret, a SendSms request signed for GET.
const DOC_PARAMS = {
  AccessKeyId: 'testId',
  Action: 'SendSms',
  Format: 'XML',
  OutId: '123',
  PhoneNumbers: '15300000001',
  RegionId: 'cn-hangzhou',
  SignName: '阿里云短信测试专用',
  SignatureMethod: 'HMAC-SHA1',
  SignatureNonce: '45e25e9b-0a6f-4070-8c85-2956eda1b466',
  SignatureVersion: '1.0',
  TemplateCode: 'SMS_71390007',
  TemplateParam: '{"customer":"test"}',
  Timestamp: '2017-07-12T02:42:19Z',
  Version: '2017-05-25',
}

describe('Alibaba Cloud RPC signature (HMAC-SHA1, version 1.0)', () => {
  it('reproduces the documented example: canonical query, string to sign and signature', () => {
    expect(canonicalQuery(DOC_PARAMS)).toBe(
      'AccessKeyId=testId&Action=SendSms&Format=XML&OutId=123&PhoneNumbers=15300000001&RegionId=cn-hangzhou'
      + '&SignName=%E9%98%BF%E9%87%8C%E4%BA%91%E7%9F%AD%E4%BF%A1%E6%B5%8B%E8%AF%95%E4%B8%93%E7%94%A8&SignatureMethod=HMAC-SHA1'
      + '&SignatureNonce=45e25e9b-0a6f-4070-8c85-2956eda1b466&SignatureVersion=1.0&TemplateCode=SMS_71390007'
      + '&TemplateParam=%7B%22customer%22%3A%22test%22%7D&Timestamp=2017-07-12T02%3A42%3A19Z&Version=2017-05-25',
    )
    expect(stringToSign('GET', DOC_PARAMS)).toMatch(/^GET&%2F&AccessKeyId%3DtestId%26Action%3DSendSms%26/)
    expect(rpcSignature('GET', DOC_PARAMS, 'testSecret')).toBe('zJDF+Lrzhj/ThnlvIToysFRq6t4=')
  })

  it('signs the same request for POST as an independent computation does', () => {
    // Made with Python's standard library, independently of this code:
    //   enc = lambda s: urllib.parse.quote(s, safe='-_.~')
    //   q = '&'.join(enc(k) + '=' + enc(v) for k, v in sorted(p.items()))
    //   base64.b64encode(hmac.new(b'testSecret&', ('POST&' + enc('/') + '&' + enc(q)).encode(), hashlib.sha1).digest())
    expect(rpcSignature('POST', DOC_PARAMS, 'testSecret')).toBe('Xvhv7fPXrPkLVSnlt0jIr08o8NQ=')
  })

  it('leaves out Signature itself, whatever it holds', () => {
    expect(rpcSignature('GET', { ...DOC_PARAMS, Signature: 'anything' }, 'testSecret')).toBe('zJDF+Lrzhj/ThnlvIToysFRq6t4=')
  })

  it('percent-encodes as RFC 3986: space as %20, never +; * and ~ as the algorithm says', () => {
    expect(percentEncode('a b+c*d~e')).toBe('a%20b%2Bc%2Ad~e')
    expect(percentEncode("!'()")).toBe('%21%27%28%29')
    expect(percentEncode('/=&')).toBe('%2F%3D%26')
    expect(percentEncode('收到')).toBe('%E6%94%B6%E5%88%B0')
    // A lone surrogate cannot be UTF-8: it is sent as U+FFFD rather than throwing.
    expect(percentEncode('a\uD800b')).toBe('a%EF%BF%BDb')
  })

  it('adds the common parameters, signs for POST, and gives a form body the fake can read back', () => {
    const signed = signRpc({ Action: 'SendSms', PhoneNumbers: '13800000000' }, { accessKeyId: 'id', accessKeySecret: 'key' }, {
      now: new Date('2026-07-20T02:00:00.123Z'), nonce: 'n-1',
    })
    expect(signed).toMatchObject({
      AccessKeyId: 'id', Format: 'JSON', SignatureMethod: 'HMAC-SHA1', SignatureVersion: '1.0', SignatureNonce: 'n-1', Timestamp: '2026-07-20T02:00:00Z',
    })
    expect(signed.Signature).toBe(rpcSignature('POST', signed, 'key'))
    expect(Object.fromEntries(new URLSearchParams(formBody(signed)))).toEqual(signed)
  })
})
