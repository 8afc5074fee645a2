import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_ISSUING_RULES } from '../../../domain/warnings/approval.js'
import { signIn, testApp, type Session } from '../../testing/test-app.js'
import { issuingPolicy } from './issuing.js'

let app: FastifyInstance
let admin: Session
beforeAll(async () => {
  app = await testApp()
  admin = await signIn(app, { role: 'sysadmin', regionCode: '330500000000' })
})
afterAll(async () => { await app.close() })

const read = (s: Session) => s.request({ url: '/api/settings/issuing' })
const save = (s: Session, body: object) => s.request({ method: 'PUT', url: '/api/settings/issuing', payload: body })
const rules = DEFAULT_ISSUING_RULES.map((r) => ({ ...r, levels: [...r.levels], eventTypes: [...r.eventTypes] }))

describe('warning issuing rules', () => {
  it('are today\'s rule with four eyes on until someone saves, and readable by whoever handles warnings', async () => {
    const duty = await signIn(app, { role: 'duty', regionCode: '330502000000' })
    for (const s of [admin, duty]) {
      const res = await read(s)
      expect(res.statusCode).toBe(200)
      expect(res.json()).toEqual({ fourEyes: true, fourEyesOffReason: null, rules, isDefault: true, version: 0, updatedAt: null })
    }
    const auditor = await signIn(app, { role: 'auditor', regionCode: '330500000000' })
    expect((await read(auditor)).statusCode).toBe(403)
  })

  it('are changed by the system administrator of the whole deployment only, and every change is audited', async () => {
    const county = await signIn(app, { role: 'sysadmin', regionCode: '330502000000' })
    const refused = await save(county, { fourEyes: true, rules, version: 0 })
    expect(refused.statusCode).toBe(403)
    expect(refused.json().message).toBe('预警发布规则作用于整个部署，只有辖区覆盖全部账号的系统管理员可以查看或修改')
    const manager = await signIn(app, { role: 'city_manager', regionCode: '330500000000' })
    expect((await save(manager, { fourEyes: true, rules, version: 0 })).statusCode).toBe(403)

    const wider = [...rules, { jurisdiction: 'village', levels: [4], eventTypes: [' 地质灾害 '] }]
    const res = await save(admin, { fourEyes: true, rules: wider, version: 0 })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ isDefault: false, version: 1, rules: [...rules, { jurisdiction: 'village', levels: [4], eventTypes: ['地质灾害'] }] })
    expect(res.json().updatedAt).not.toBeNull()
    expect((await issuingPolicy(app.db)).rules).toHaveLength(5)
    const audit = await app.db.selectFrom('auditLog').select(['actorId', 'entity', 'entityId', 'before', 'after']).where('action', '=', 'warning_issuing.updated').execute()
    expect(audit).toEqual([{
      actorId: admin.userId, entity: 'setting', entityId: 'warning_issuing',
      before: { fourEyes: true, fourEyesOffReason: null, rules, version: 0 },
      after: { fourEyes: true, fourEyesOffReason: null, rules: res.json().rules, version: 1 },
    }])
  })

  it('refuse a stale version and rules that make no sense, naming the rule in Chinese', async () => {
    const stale = await save(admin, { fourEyes: true, rules, version: 0 })
    expect(stale.statusCode).toBe(409)
    expect(stale.json()).toMatchObject({ code: 'STALE_VERSION', message: '预警发布规则已被他人修改，请刷新后再提交' })
    const { version } = (await read(admin)).json()
    const twice = await save(admin, { fourEyes: true, rules: [...rules, rules[3]], version })
    expect(twice.statusCode).toBe(400)
    expect(twice.json().message).toBe('第 5 条规则与前面的规则重复（乡镇街道级）')
    const blank = await save(admin, { fourEyes: true, rules: [{ jurisdiction: 'township', levels: [3], eventTypes: ['  '] }], version })
    expect(blank.json().message).toBe('第 1 条规则的“事件类型”不能为空白')
    const noLevel = await save(admin, { fourEyes: true, rules: [{ jurisdiction: 'township', levels: [], eventTypes: [] }], version })
    expect(noLevel.statusCode).toBe(400)
    expect(noLevel.json().message).toContain('可审批发布的预警级别')
    const level5 = await save(admin, { fourEyes: true, rules: [{ jurisdiction: 'township', levels: [5], eventTypes: [] }], version })
    expect(level5.statusCode).toBe(400)
    expect(level5.json().message).toContain('预警级别')
    expect((await read(admin)).json().version).toBe(version)
  })

  it('fall back to the defaults when the stored value is not readable', async () => {
    await app.db.updateTable('setting').set({ value: JSON.stringify({ fourEyes: 'no', rules: 'all' }) }).where('key', '=', 'warning_issuing').execute()
    expect(await issuingPolicy(app.db)).toMatchObject({ fourEyes: true, rules })
  })
})
