import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { channelsOff, readChannelConfig } from '../../channels/config.js'
import { testApp } from '../../testing/test-app.js'
import { addressAllowed, parseAllowList } from './allow-list.js'
import { storedCallbackSecret } from './secret.js'
import { gatewaySetupNotice } from './setup.js'

let app: FastifyInstance
beforeAll(async () => { app = await testApp() })
afterAll(async () => { await app.close() })

describe('SHOUWANG_GATEWAY_ALLOW', () => {
  it('reads IPs and CIDR blocks of both families, and refuses to start on a malformed entry', () => {
    expect(parseAllowList(' 10.1.2.3, 192.0.2.0/24 ,2001:db8::/32,')).toEqual(['10.1.2.3', '192.0.2.0/24', '2001:db8::/32'])
    expect(parseAllowList(undefined)).toEqual([])
    for (const bad of ['10.1.2', '10.0.0.0/33', 'gateway.example.cn', '10.0.0.0/8/1', '::1/129', '10.0.0.0/x']) {
      expect(() => parseAllowList(`10.1.2.3,${bad}`)).toThrow(`“${bad}”`)
    }
    expect(() => readChannelConfig({ SHOUWANG_GATEWAY_ALLOW: '10.0.0.300' })).toThrow('SHOUWANG_GATEWAY_ALLOW')
  })

  it('allows the listed addresses only, IPv4 clients of a dual-stack listener included', () => {
    const list = ['10.1.2.3', '192.0.2.0/24', '2001:db8::/32']
    expect(['10.1.2.3', '192.0.2.200', '::ffff:192.0.2.9', '2001:db8::5'].map((ip) => addressAllowed(list, ip))).toEqual([true, true, true, true])
    expect(['10.1.2.4', '192.0.3.1', '::1', '2001:db9::1', 'not-an-ip'].map((ip) => addressAllowed(list, ip))).toEqual([false, false, false, false, false])
    expect(addressAllowed([], '203.0.113.1')).toBe(true)
  })
})

describe('gatewaySetupNotice', () => {
  it('says callbacks are signed with the generated secret, without printing it, and where they go', async () => {
    const lines = await gatewaySetupNotice(app.db, channelsOff('https://yj.example.gov.cn'))
    const secret = await storedCallbackSecret(app.db)
    expect(lines.join('\n')).not.toContain(secret)
    expect(lines[0]).toContain('自动生成的回调密钥')
    expect(lines[0]).toContain('x-shouwang-signature')
    expect(lines[1]).toContain('未限制来源地址')
    expect(lines[2]).toContain('https://yj.example.gov.cn/api/gateway/sms/reply')
  })

  it('names SHOUWANG_CALLBACK_SECRET and the allow-list when they are set', async () => {
    const lines = await gatewaySetupNotice(app.db, { ...channelsOff(), callbackSecret: 'from-env', gatewayAllow: ['10.0.0.0/8', '192.0.2.7'] })
    expect(lines.join('\n')).not.toContain('from-env')
    expect(lines[0]).toContain('SHOUWANG_CALLBACK_SECRET')
    expect(lines[1]).toContain('10.0.0.0/8、192.0.2.7')
  })
})
