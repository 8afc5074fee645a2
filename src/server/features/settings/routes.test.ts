import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { channelsOff } from '../../channels/config.js'
import { signIn, testApp, type Session } from '../../testing/test-app.js'
import { storedCallbackSecret } from '../gateway/secret.js'
import { SIGNATURE_HEADER, signCallback } from '../gateway/signature.js'

let app: FastifyInstance
let admin: Session
beforeAll(async () => {
  app = await testApp({ channels: channelsOff('https://yj.example.gov.cn') })
  admin = await signIn(app, { role: 'sysadmin', regionCode: '330500000000' })
})
afterAll(async () => { await app.close() })

const auditOf = (action: string) => app.db.selectFrom('auditLog').select(['actorId', 'entity', 'entityId', 'after'])
  .where('action', '=', action).orderBy('id').execute()

/** A reply from an unknown number: accepted (200) only when signed with the right secret. */
function reply(secret: string) {
  const raw = JSON.stringify({ id: `mo-${Math.random()}`, from: '13999999995', text: '1' })
  return app.inject({ method: 'POST', url: '/api/gateway/sms/reply', payload: raw, headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signCallback(secret, raw) } })
}

describe('gateway settings', () => {
  it('show the system administrator the generated secret and where callbacks go, audited without the secret', async () => {
    const res = await admin.request({ url: '/api/settings/gateway' })
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body).toEqual({
      secret: await storedCallbackSecret(app.db),
      source: 'generated',
      header: SIGNATURE_HEADER,
      algorithm: expect.stringContaining('HMAC-SHA256'),
      callbackUrls: {
        smsReceipt: 'https://yj.example.gov.cn/api/gateway/sms/receipt',
        smsReply: 'https://yj.example.gov.cn/api/gateway/sms/reply',
        voiceResult: 'https://yj.example.gov.cn/api/gateway/voice/result',
      },
      allow: [],
    })
    expect((await reply(body.secret)).statusCode).toBe(200)
    const audited = await auditOf('gateway_secret.read')
    expect(audited).toEqual([{ actorId: admin.userId, entity: 'setting', entityId: 'gateway_callback_secret', after: { source: 'generated' } }])
    expect(JSON.stringify(audited)).not.toContain(body.secret)
  })

  it('are refused to every other role, and the refusal is audited', async () => {
    for (const role of ['secadmin', 'auditor', 'city_manager', 'duty'] as const) {
      const other = await signIn(app, { role, regionCode: '330500000000' })
      const read = await other.request({ url: '/api/settings/gateway' })
      expect(read.statusCode).toBe(403)
      expect(read.body).not.toContain(await storedCallbackSecret(app.db))
      expect((await other.request({ method: 'POST', url: '/api/settings/gateway/rotate' })).statusCode).toBe(403)
    }
    expect(await app.inject({ url: '/api/settings/gateway' }).then((r) => r.statusCode)).toBe(401)
    const refused = await app.db.selectFrom('auditLog').select('after').where('action', '=', 'refused.permission').execute()
    expect(refused.some((r) => JSON.stringify(r.after).includes('/api/settings/gateway'))).toBe(true)
  })

  it('are refused to a county system administrator: the secret serves the whole deployment', async () => {
    const county = await signIn(app, { role: 'sysadmin', regionCode: '330502000000' })
    const read = await county.request({ url: '/api/settings/gateway' })
    expect(read.statusCode).toBe(403)
    expect(read.json().message).toContain('整个部署')
    expect((await county.request({ method: 'POST', url: '/api/settings/gateway/rotate' })).statusCode).toBe(403)
  })

  it('rotate the secret: the old one stops working at once, and the rotation is audited', async () => {
    const old = await storedCallbackSecret(app.db)
    const res = await admin.request({ method: 'POST', url: '/api/settings/gateway/rotate' })
    expect(res.statusCode).toBe(200)
    const fresh = res.json().secret
    expect(fresh).toMatch(/^[0-9a-f]{64}$/)
    expect(fresh).not.toBe(old)
    expect(await storedCallbackSecret(app.db)).toBe(fresh)
    expect((await reply(old)).statusCode).toBe(401)
    expect((await reply(fresh)).statusCode).toBe(200)
    expect(await auditOf('gateway_secret.rotated')).toEqual([{ actorId: admin.userId, entity: 'setting', entityId: 'gateway_callback_secret', after: { source: 'generated' } }])
  })

  it('show SHOUWANG_CALLBACK_SECRET and the allow-list when set, and leave rotation to the environment', async () => {
    app.channels.callbackSecret = 'env-secret-value'
    app.channels.gatewayAllow = ['10.0.0.0/8']
    try {
      expect((await admin.request({ url: '/api/settings/gateway' })).json()).toMatchObject({ secret: 'env-secret-value', source: 'env', allow: ['10.0.0.0/8'] })
      const rotate = await admin.request({ method: 'POST', url: '/api/settings/gateway/rotate' })
      expect(rotate.statusCode).toBe(409)
      expect(rotate.json()).toMatchObject({ code: 'SECRET_FROM_ENV' })
      expect(rotate.json().message).toContain('SHOUWANG_CALLBACK_SECRET')
    } finally {
      app.channels.callbackSecret = null
      app.channels.gatewayAllow = []
    }
  })
})
