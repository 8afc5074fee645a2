import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_LADDERS } from '../../../../domain/warnings/ladder.js'
import { fakeClock } from '../../../jobs/clock.js'
import { signIn, testApp, type Session } from '../../../testing/test-app.js'
import { chinaTime } from '../delivery/message.js'
import { addPerson, CHAOYANG, draft, NANXUN, NANXUN_TOWN, WUXING, YUEHE, YUEHE_VILLAGES } from '../test-fixtures.js'
import type { WarningInput } from '../schema.js'

const clock = fakeClock('2026-07-20T02:00:00Z')
let app: FastifyInstance
let county: Session
/** Four eyes: a second officer of each jurisdiction approves what the first drafted. */
let approver: Session
let townApprover: Session
let duty: Session
let township: Session
let village: Session
let otherCounty: Session
let viewer: Session

beforeAll(async () => {
  app = await testApp({ clock })
  county = await signIn(app, { role: 'county_manager', regionCode: WUXING })
  approver = await signIn(app, { role: 'county_manager', regionCode: WUXING })
  duty = await signIn(app, { role: 'duty', regionCode: WUXING })
  township = await signIn(app, { role: 'township_manager', regionCode: YUEHE })
  townApprover = await signIn(app, { role: 'township_manager', regionCode: YUEHE })
  village = await signIn(app, { role: 'village_manager', regionCode: YUEHE_VILLAGES[0] })
  otherCounty = await signIn(app, { role: 'county_manager', regionCode: NANXUN })
  viewer = await signIn(app, { role: 'viewer', regionCode: WUXING })
  await addPerson(app, YUEHE, ['head', 'flood_control'])
  for (const v of YUEHE_VILLAGES) await addPerson(app, v, ['head'])
})
afterAll(async () => { await app.close() })

const create = async (s: Session, input: WarningInput = draft()) => {
  const res = await s.request({ method: 'POST', url: '/api/warnings', payload: input })
  if (res.statusCode !== 200) throw new Error(`create: ${res.statusCode} ${res.body}`)
  return res.json()
}
const act = (s: Session, id: number, action: string, payload: object) =>
  s.request({ method: 'POST', url: `/api/warnings/${id}/${action}`, payload })

async function submitted(s: Session, input?: WarningInput) {
  // A second apart: identifiers of one county in one second run out after ten.
  clock.advance(1000)
  const w = await create(s, input)
  const res = await act(s, w.id, 'submit', { version: w.version })
  expect(res.statusCode).toBe(200)
  return res.json()
}

const jobs = (prefix: string) => app.db.selectFrom('job').selectAll().where('key', 'like', `${prefix}%`).execute()

describe('drafting', () => {
  it('creates a draft with the default ladder of its level, a created step and an audit entry', async () => {
    const w = await create(county)
    expect(w).toMatchObject({ status: 'draft', purpose: 'warning', level: 2, version: 1, regionName: '湖州市吴兴区', identifier: null })
    expect(w.ladder).toEqual(DEFAULT_LADDERS[2])
    expect(w.target).toEqual({ regions: [YUEHE], polygons: [], circles: [], roles: [], groupIds: [] })
    expect(w.steps.map((s: { kind: string }) => s.kind)).toEqual(['created'])
    const audit = await app.db.selectFrom('auditLog').select('action').where('entity', '=', 'warning').where('entityId', '=', String(w.id)).execute()
    expect(audit.map((a) => a.action)).toEqual(['warning.created'])
  })

  it('accepts a warning without expiry and a ladder without voice or escalation', async () => {
    const w = await create(county, draft({ expires: null, ladder: { ...DEFAULT_LADDERS[4] } }))
    expect(w.expires).toBeNull()
    expect(w.ladder).toMatchObject({ voiceAfterMinutes: null, escalateAfterMinutes: null })
  })

  it('lets the duty officer draft and submit but not approve', async () => {
    const w = await submitted(duty)
    expect(w.status).toBe('submitted')
    const res = await act(duty, w.id, 'approve', { version: w.version })
    expect(res.statusCode).toBe(403)
  })

  it('keeps drafts to their jurisdiction: another county sees nothing', async () => {
    const w = await create(county)
    expect((await otherCounty.request({ url: `/api/warnings/${w.id}` })).statusCode).toBe(404)
    expect((await act(otherCounty, w.id, 'submit', { version: 1 })).statusCode).toBe(404)
    const list = (await otherCounty.request({ url: '/api/warnings' })).json()
    expect(list.items.find((i: { id: number }) => i.id === w.id)).toBeUndefined()
    // A township does not see the county's warnings either.
    expect((await township.request({ url: `/api/warnings/${w.id}` })).statusCode).toBe(404)
  })

  it('refuses a stale version with 409 and keeps the newer edit', async () => {
    const w = await create(county)
    const first = await county.request({ method: 'PUT', url: `/api/warnings/${w.id}`, payload: { ...draft({ headline: '第一次修改' }), version: 1 } })
    expect(first.statusCode).toBe(200)
    expect(first.json().version).toBe(2)
    const second = await county.request({ method: 'PUT', url: `/api/warnings/${w.id}`, payload: { ...draft({ headline: '过期修改' }), version: 1 } })
    expect(second.statusCode).toBe(409)
    expect(second.json().code).toBe('STALE_VERSION')
    expect((await county.request({ url: `/api/warnings/${w.id}` })).json().headline).toBe('第一次修改')
  })

  it('takes the new level\'s default ladder when the level changes and no ladder is sent', async () => {
    const w = await create(county)
    const res = await county.request({ method: 'PUT', url: `/api/warnings/${w.id}`, payload: { ...draft({ level: 1 }), version: 1 } })
    expect(res.json().ladder).toEqual(DEFAULT_LADDERS[1])
    const custom = { ...DEFAULT_LADDERS[1], voiceAfterMinutes: 1 }
    const res2 = await county.request({ method: 'PUT', url: `/api/warnings/${w.id}`, payload: { ...draft({ level: 1, ladder: custom }), version: 2 } })
    expect(res2.json().ladder.voiceAfterMinutes).toBe(1)
  })

  it('deletes a draft only with its version, and never an issued warning', async () => {
    const w = await create(county)
    expect((await county.request({ method: 'DELETE', url: `/api/warnings/${w.id}?version=9` })).statusCode).toBe(409)
    expect((await county.request({ method: 'DELETE', url: `/api/warnings/${w.id}?version=1` })).statusCode).toBe(200)
    expect((await county.request({ url: `/api/warnings/${w.id}` })).statusCode).toBe(404)
  })

  it('lets a viewer read but not draft', async () => {
    expect((await viewer.request({ url: '/api/warnings' })).statusCode).toBe(200)
    expect((await viewer.request({ method: 'POST', url: '/api/warnings', payload: draft() })).statusCode).toBe(403)
  })
})

describe('validation names the field and the value in Chinese', () => {
  const refused = async (input: WarningInput) => {
    const res = await county.request({ method: 'POST', url: '/api/warnings', payload: input })
    expect(res.statusCode).toBeGreaterThanOrEqual(400)
    expect(res.statusCode).toBeLessThan(500)
    return { status: res.statusCode, ...res.json() }
  }

  it('level, event class and channels', async () => {
    expect((await refused(draft({ level: 5 }))).message).toMatch(/预警级别.*5/)
    expect((await refused(draft({ eventClass: 'weather' as never }))).message).toMatch(/事件类别.*weather.*不是允许的取值/)
    expect((await refused(draft({ channels: [] }))).message).toMatch(/发送渠道/)
    expect((await refused(draft({ channels: ['fax' as never] }))).message).toMatch(/发送渠道.*fax/)
  })

  it('times', async () => {
    const r = await refused(draft({ onset: '2026-07-20T02:00:00Z', expires: '2026-07-20T01:00:00Z' }))
    expect(r.message).toBe('“失效时间”的值“2026-07-20T01:00:00Z”必须晚于起始时间')
  })

  it('regions: in the jurisdiction, real, and the target inside the issuing region', async () => {
    const out = await refused(draft({ regionCode: NANXUN }))
    expect(out).toMatchObject({ status: 403, code: 'OUT_OF_JURISDICTION' })
    expect((await refused(draft({ regionCode: '330502999000' }))).message).toBe('“发布区划”的值“330502999000”不存在')
    const outside = await refused(draft({ target: { regions: [NANXUN_TOWN] } }))
    expect(outside.message).toContain(NANXUN_TOWN)
    expect(outside.message).toContain('不在发布区划')
    const township = await refused(draft({ regionCode: YUEHE, target: { regions: [CHAOYANG] } }))
    expect(township.message).toContain(CHAOYANG)
    expect((await refused(draft({ target: { regions: ['330502001999'] } }))).message).toBe('“预警区划”的值“330502001999”不存在')
  })

  it('shapes', async () => {
    const open = await refused(draft({ target: { polygons: [[[30.8, 120.1], [30.9, 120.1], [30.9, 120.2], [30.8, 120.25]]] } }))
    expect(open.message).toContain('未闭合')
    const short = await refused(draft({ target: { polygons: [[[30.8, 120.1], [30.9, 120.1], [30.8, 120.1]]] } }))
    expect(short.message).toContain('至少需要 4 个点')
    const lat = await refused(draft({ target: { polygons: [[[95, 120.1], [30.9, 120.1], [30.9, 120.2], [95, 120.1]]] } }))
    expect(lat.message).toContain('纬度')
    expect((await refused(draft({ target: { circles: [{ lat: 30.8, lng: 120.1, radiusKm: 0 }] } }))).message).toContain('必须大于 0')
    expect((await refused(draft({ target: { circles: [{ lat: 30.8, lng: 120.1, radiusKm: 600 }] } }))).message).toBe('“半径（公里）”的值“600”不能大于 500')
  })

  it('ladder numbers that fit together', async () => {
    const r = await refused(draft({ ladder: { ...DEFAULT_LADDERS[2], voiceAttempts: 0 } }))
    expect(r.message).toContain('语音呼叫次数')
    const r2 = await refused(draft({ ladder: { ...DEFAULT_LADDERS[2], escalateAfterMinutes: null } }))
    expect(r2.message).toContain('上报上级')
  })

  it('an empty target can be saved as a draft but not submitted', async () => {
    const w = await create(county, draft({ target: { regions: [] } }))
    const res = await act(county, w.id, 'submit', { version: w.version })
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ code: 'EMPTY_TARGET' })
  })
})

describe('approval by level and jurisdiction', () => {
  it('a township may not approve 二级 and says which levels it may', async () => {
    const w = await submitted(township, draft({ regionCode: YUEHE, level: 2, target: { regions: [YUEHE] } }))
    const res = await act(townApprover, w.id, 'approve', { version: w.version })
    expect(res.statusCode).toBe(403)
    expect(res.json().code).toBe('LEVEL_NOT_ALLOWED')
    expect(res.json().message).toBe('乡镇街道级辖区只能审批发布三级（黄色）、四级（蓝色）预警；二级（橙色）预警请提交上级审批')
    // ...but may approve 三级 in its own area.
    const w3 = await submitted(township, draft({ regionCode: YUEHE, level: 3, target: { regions: [YUEHE] } }))
    const ok = await act(townApprover, w3.id, 'approve', { version: w3.version })
    expect(ok.statusCode).toBe(200)
    expect(ok.json().status).toBe('issued')
  })

  it('a village cannot approve at all', async () => {
    const v = YUEHE_VILLAGES[0]
    const w = await submitted(village, draft({ regionCode: v, level: 4, target: { regions: [v] } }))
    expect((await act(village, w.id, 'approve', { version: w.version })).statusCode).toBe(403)
  })

  it('another county cannot approve: 404', async () => {
    const w = await submitted(county)
    expect((await act(otherCounty, w.id, 'approve', { version: w.version })).statusCode).toBe(404)
  })

  it('refuses to issue when nobody would receive it', async () => {
    const w = await submitted(county, draft({ target: { regions: [CHAOYANG] } }))
    const res = await act(approver, w.id, 'approve', { version: w.version })
    expect(res.statusCode).toBe(422)
    expect(res.json().message).toBe('预警范围内没有责任人，无法发布')
    const after = (await county.request({ url: `/api/warnings/${w.id}` })).json()
    expect(after.status).toBe('submitted')
    expect(await jobs(`fanout:${w.id}:`)).toEqual([])
  })
})

describe('the workflow', () => {
  it('approve issues with an identifier and enqueues the fan-out exactly once', async () => {
    const w = await submitted(county)
    const res = await act(approver, w.id, 'approve', { version: w.version })
    expect(res.statusCode).toBe(200)
    const issued = res.json()
    expect(issued).toMatchObject({ status: 'issued', revision: 1, issuedAt: clock.now().toISOString(), approvedBy: approver.userId, createdBy: county.userId })
    expect(issued.identifier).toMatch(/^33050200000000_202607201000\d\d_\d$/)
    expect(issued.steps.map((s: { kind: string }) => s.kind)).toEqual(['issued', 'approved', 'submitted', 'created'])
    const again = await act(approver, w.id, 'approve', { version: issued.version })
    expect(again.statusCode).toBe(409)
    expect(again.json()).toMatchObject({ code: 'ALREADY_APPROVED', message: `该预警已由测试county_manager于${chinaTime(clock.now())}审批发布，无需再次审批` })
    const queued = await jobs(`fanout:${w.id}:`)
    expect(queued).toHaveLength(1)
    expect(queued[0]).toMatchObject({ queue: 'warning.fanout', key: `fanout:${w.id}:1`, payload: { warningId: w.id, revision: 1 } })
    const audit = await app.db.selectFrom('auditLog').select('action').where('entity', '=', 'warning').where('entityId', '=', String(w.id)).orderBy('id').execute()
    expect(audit.map((a) => a.action)).toEqual(['warning.created', 'warning.submitted', 'warning.approved'])
  })

  it('gives warnings issued in the same second different identifiers', async () => {
    const a = await submitted(county)
    const b = await submitted(county)
    const ia = (await act(approver, a.id, 'approve', { version: a.version })).json().identifier
    const ib = (await act(approver, b.id, 'approve', { version: b.version })).json().identifier
    expect(ia).not.toBe(ib)
    expect(ia.slice(0, -1)).toBe(ib.slice(0, -1))
  })

  it('refuses illegal transitions with Chinese 409s', async () => {
    const w = await create(county)
    expect((await act(county, w.id, 'approve', { version: w.version })).json().message).toBe('只有待审批的预警可以审批发布')
    expect((await act(county, w.id, 'end', { version: w.version, reason: '雨停' })).json().message).toBe('只有已发布的预警可以解除')
    const s = await submitted(county)
    const twice = await act(county, s.id, 'submit', { version: s.version })
    expect(twice.statusCode).toBe(409)
    expect(twice.json().message).toBe('只有草稿可以提交审批')
    expect((await county.request({ method: 'PUT', url: `/api/warnings/${s.id}`, payload: { ...draft(), version: s.version } })).json().message).toBe('只有草稿可以修改')
  })

  it('reject sends it back to draft with the reason, and it can be submitted again', async () => {
    const w = await submitted(county)
    const res = await act(county, w.id, 'reject', { version: w.version, reason: '范围写错了' })
    expect(res.json()).toMatchObject({ status: 'draft', rejectedReason: '范围写错了' })
    expect(res.json().steps[0].text).toContain('范围写错了')
    const again = await act(county, w.id, 'submit', { version: res.json().version })
    expect(again.json()).toMatchObject({ status: 'submitted', rejectedReason: null })
  })

  it('update makes a new revision with its own fan-out; end closes it once', async () => {
    const w = await submitted(county)
    const issued = (await act(approver, w.id, 'approve', { version: w.version })).json()
    const stale = await act(county, w.id, 'update', { version: w.version, headline: '旧版本' })
    expect(stale.statusCode).toBe(409)
    const updated = await act(county, w.id, 'update', { version: issued.version, level: 1, headline: '升级为红色预警' })
    expect(updated.statusCode).toBe(200)
    expect(updated.json()).toMatchObject({ revision: 2, level: 1, headline: '升级为红色预警', status: 'issued' })
    expect(updated.json().ladder).toEqual(DEFAULT_LADDERS[1])
    expect((await jobs(`fanout:${w.id}:`)).map((j) => j.key).sort()).toEqual([`fanout:${w.id}:1`, `fanout:${w.id}:2`])

    const ended = await act(county, w.id, 'end', { version: updated.json().version, reason: '降雨已结束' })
    expect(ended.json()).toMatchObject({ status: 'ended', endReason: '降雨已结束', endedAt: clock.now().toISOString() })
    const close = await jobs(`close:${w.id}`)
    expect(close).toHaveLength(1)
    expect(close[0]).toMatchObject({ queue: 'warning.close', payload: { warningId: w.id, kind: 'ended' } })
    expect((await act(county, w.id, 'cancel', { version: ended.json().version, reason: 'x' })).statusCode).toBe(409)
    const audit = await app.db.selectFrom('auditLog').select('action').where('entity', '=', 'warning').where('entityId', '=', String(w.id)).orderBy('id').execute()
    expect(audit.map((a) => a.action)).toEqual(['warning.created', 'warning.submitted', 'warning.approved', 'warning.revised', 'warning.ended'])
  })

  it('a township may not raise its warning to a level it cannot issue, nor cancel a county one', async () => {
    const w = await submitted(township, draft({ regionCode: YUEHE, level: 3, target: { regions: [YUEHE] } }))
    const issued = (await act(townApprover, w.id, 'approve', { version: w.version })).json()
    const raise = await act(township, w.id, 'update', { version: issued.version, level: 2 })
    expect(raise.statusCode).toBe(403)
    const cancel = await act(township, w.id, 'cancel', { version: issued.version, reason: '误发' })
    expect(cancel.json()).toMatchObject({ status: 'cancelled', endReason: '误发' })
    expect((await jobs(`close:${w.id}`))[0].payload).toEqual({ warningId: w.id, kind: 'cancelled' })
  })

  it('lists with filters and counts', async () => {
    const res = await county.request({ url: '/api/warnings?status=issued&pageSize=5' })
    expect(res.statusCode).toBe(200)
    const page = res.json()
    expect(page.total).toBeGreaterThan(0)
    expect(page.items.every((i: { status: string }) => i.status === 'issued')).toBe(true)
    expect(page.items[0].counts).toEqual({ recipients: 0, acknowledged: 0, pending: 0, unreachable: 0 })
    const q = (await county.request({ url: `/api/warnings?q=${encodeURIComponent('升级为红色')}` })).json()
    expect(q.items.map((i: { headline: string }) => i.headline)).toEqual(['升级为红色预警'])
  })

  it('previews who would be reached before issuing', async () => {
    const res = await county.request({ method: 'POST', url: '/api/warnings/preview', payload: { regionCode: WUXING, target: { regions: [YUEHE] } } })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ total: 4, byLevel: { township: 1, village: 3 } })
    const out = await county.request({ method: 'POST', url: '/api/warnings/preview', payload: { regionCode: NANXUN, target: { regions: [NANXUN_TOWN] } } })
    expect(out.statusCode).toBe(403)
  })
})

describe('four eyes', () => {
  let approver2: Session
  let admin: Session
  beforeAll(async () => {
    approver2 = await signIn(app, { role: 'county_manager', regionCode: WUXING })
    // The sysadmin of the whole deployment (every account lies in 湖州市) sets the rules.
    admin = await signIn(app, { role: 'sysadmin', regionCode: '330500000000' })
    await app.db.updateTable('appUser').set({ displayName: '王审批' }).where('id', '=', approver.userId).execute()
    await app.db.updateTable('appUser').set({ displayName: '李审批' }).where('id', '=', approver2.userId).execute()
  })
  const settings = async () => (await admin.request({ url: '/api/settings/issuing' })).json()
  const saveSettings = (body: object) => admin.request({ method: 'PUT', url: '/api/settings/issuing', payload: body })
  const auditOf = (action: string) => app.db.selectFrom('auditLog').select(['actorId', 'entityId', 'before', 'after']).where('action', '=', action).orderBy('id').execute()

  it('the drafter cannot approve, nor can whoever edited it; submitting alone does not count', async () => {
    const w = await submitted(county)
    const own = await act(county, w.id, 'approve', { version: w.version })
    expect(own.statusCode).toBe(403)
    expect(own.json()).toMatchObject({ code: 'FOUR_EYES', message: '您起草或修改过该预警，不能由本人审批发布（双人审批）；请由另一位有审批权限的人员审批' })
    expect((await county.request({ url: `/api/warnings/${w.id}` })).json().status).toBe('submitted')
    expect(await jobs(`fanout:${w.id}:`)).toEqual([])
    const refused = await app.db.selectFrom('auditLog').select(['actorId', 'after']).where('action', '=', 'refused.four_eyes').execute()
    expect(refused.some((r) => r.actorId === county.userId && JSON.stringify(r.after).includes(`/api/warnings/${w.id}/approve`))).toBe(true)

    // An officer who changed someone else's draft wrote it too.
    clock.advance(1000)
    const d = await create(county)
    const edited = await approver.request({ method: 'PUT', url: `/api/warnings/${d.id}`, payload: { ...draft({ headline: '王审批改过的标题' }), version: d.version } })
    expect(edited.json().authors.sort()).toEqual([county.userId, approver.userId].sort())
    const sub = await act(approver, d.id, 'submit', { version: edited.json().version })
    expect((await act(approver, d.id, 'approve', { version: sub.json().version })).json().code).toBe('FOUR_EYES')
    // Submitting is not writing: whoever only submitted may approve.
    clock.advance(1000)
    const e = await create(county)
    const sub2 = await act(approver2, e.id, 'submit', { version: e.version })
    const ok = await act(approver2, e.id, 'approve', { version: sub2.json().version })
    expect(ok.statusCode).toBe(200)
    expect(ok.json()).toMatchObject({ status: 'issued', approvedBy: approver2.userId, approvedByName: '李审批' })
  })

  it('two approvals at once: one wins, the other is told in Chinese who approved it and when', async () => {
    clock.advance(1000)
    const w = await submitted(county)
    const both = await Promise.all([approver, approver2].map((s) => act(s, w.id, 'approve', { version: w.version })))
    expect(both.map((r) => r.statusCode).sort()).toEqual([200, 409])
    const winner = both.find((r) => r.statusCode === 200)!.json()
    const loser = both.find((r) => r.statusCode === 409)!.json()
    expect(loser).toMatchObject({
      code: 'ALREADY_APPROVED',
      message: `该预警已由${winner.approvedByName}于${chinaTime(clock.now())}审批发布，无需再次审批`,
    })
    expect(await jobs(`fanout:${w.id}:`)).toHaveLength(1)
    expect((await auditOf('warning.approved')).filter((a) => a.entityId === String(w.id))).toHaveLength(1)
  })

  it('a deployment with a single duty officer may switch it off, explicitly and audited', async () => {
    const current = await settings()
    expect(current).toMatchObject({ fourEyes: true, fourEyesOffReason: null, isDefault: true, version: 0 })
    const noReason = await saveSettings({ fourEyes: false, rules: current.rules, version: 0 })
    expect(noReason.statusCode).toBe(400)
    expect(noReason.json().message).toBe('关闭双人审批须填写理由（如：本部署只有一名值班员）')
    const off = await saveSettings({ fourEyes: false, fourEyesOffReason: '本县夜间只有一名值班员', rules: current.rules, version: 0 })
    expect(off.statusCode).toBe(200)
    expect(off.json()).toMatchObject({ fourEyes: false, fourEyesOffReason: '本县夜间只有一名值班员', isDefault: false, version: 1 })
    expect(await auditOf('warning_issuing.four_eyes_off')).toEqual([{
      actorId: admin.userId, entityId: 'warning_issuing', before: { fourEyes: true }, after: { fourEyes: false, reason: '本县夜间只有一名值班员' },
    }])

    clock.advance(1000)
    const w = await submitted(county)
    const self = await act(county, w.id, 'approve', { version: w.version })
    expect(self.statusCode).toBe(200)
    const entry = (await auditOf('warning.approved')).find((a) => a.entityId === String(w.id))!
    expect(entry.after).toMatchObject({ selfApproved: true, fourEyesOffReason: '本县夜间只有一名值班员' })

    const on = await saveSettings({ fourEyes: true, rules: current.rules, version: 1 })
    expect(on.json()).toMatchObject({ fourEyes: true, fourEyesOffReason: null, version: 2 })
    expect((await auditOf('warning_issuing.four_eyes_on')).map((a) => a.after)).toEqual([{ fourEyes: true, reason: null }])
    clock.advance(1000)
    const again = await submitted(county)
    expect((await act(county, again.id, 'approve', { version: again.version })).json().code).toBe('FOUR_EYES')
  })

  it('who may issue which level and type is set per deployment; the default is today\'s rule', async () => {
    const current = await settings()
    expect(current.rules).toEqual([
      { jurisdiction: 'province', levels: [1, 2, 3, 4], eventTypes: [] },
      { jurisdiction: 'city', levels: [1, 2, 3, 4], eventTypes: [] },
      { jurisdiction: 'county', levels: [1, 2, 3, 4], eventTypes: [] },
      { jurisdiction: 'township', levels: [3, 4], eventTypes: [] },
    ])
    const geo = (level: number, eventType: string) => draft({ regionCode: YUEHE, level, eventType, target: { regions: [YUEHE] } })
    // Townships may issue 二级 地质灾害 warnings as well; counties keep every level.
    const saved = await saveSettings({ fourEyes: true, rules: [...current.rules, { jurisdiction: 'township', levels: [2], eventTypes: ['地质灾害'] }], version: current.version })
    expect(saved.statusCode).toBe(200)
    clock.advance(1000)
    const landslide = await submitted(township, geo(2, '地质灾害'))
    expect((await act(townApprover, landslide.id, 'approve', { version: landslide.version })).statusCode).toBe(200)
    const rain = await submitted(township, geo(2, '暴雨'))
    const refused = await act(townApprover, rain.id, 'approve', { version: rain.version })
    expect(refused.statusCode).toBe(403)
    expect(refused.json()).toMatchObject({
      code: 'LEVEL_NOT_ALLOWED',
      message: '乡镇街道级辖区只能审批发布三级（黄色）、四级（蓝色）预警；二级（橙色）的地质灾害预警；二级（橙色）暴雨预警请提交上级审批',
    })
    const audit = await auditOf('warning_issuing.updated')
    expect(audit.at(-1)!.after).toMatchObject({ rules: expect.arrayContaining([{ jurisdiction: 'township', levels: [2], eventTypes: ['地质灾害'] }]) })

    // Back to the default: the township is refused 二级 of any type again.
    await saveSettings({ fourEyes: true, rules: current.rules, version: saved.json().version })
    clock.advance(1000)
    const landslide2 = await submitted(township, geo(2, '地质灾害'))
    expect((await act(townApprover, landslide2.id, 'approve', { version: landslide2.version })).json().code).toBe('LEVEL_NOT_ALLOWED')
  })
})
