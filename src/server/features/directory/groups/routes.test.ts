import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signIn, testApp, type Session } from '../../../testing/test-app.js'

let app: FastifyInstance
let wuxing: Session
let nanxun: Session
let bureauId: number
let chief: number
let deputy: number
let clerk: number

const addPerson = async (s: Session, payload: Record<string, unknown>): Promise<number> => {
  const res = await s.request({ method: 'POST', url: '/api/people', payload })
  expect(res.statusCode).toBe(200)
  return res.json().id
}

beforeAll(async () => {
  app = await testApp()
  wuxing = await signIn(app, { role: 'county_manager', regionCode: '330502000000' })
  nanxun = await signIn(app, { role: 'county_manager', regionCode: '330503000000' })
  bureauId = (await wuxing.request({ method: 'POST', url: '/api/units', payload: { regionCode: '330502000000', name: '吴兴区应急管理局', kind: 'government' } })).json().id
  chief = await addPerson(wuxing, { regionCode: '330502000000', name: '沈国华', post: '区长', mobile: '13857201001' })
  deputy = await addPerson(wuxing, { regionCode: '330502000000', unitId: bureauId, name: '钱立新', post: '局长', mobile: '13857201002' })
  clerk = await addPerson(wuxing, { regionCode: '330502000000', unitId: bureauId, name: '陆小燕', post: '办公室主任', mobile: '13857201003' })
})
afterAll(async () => { await app.close() })

const createGroup = (s: Session, payload: Record<string, unknown>) => s.request({ method: 'POST', url: '/api/leading-groups', payload })

describe('leading groups', () => {
  it('creates a group with members and lists them with masked mobiles, positions and duties', async () => {
    const res = await createGroup(wuxing, {
      regionCode: '330502000000', name: '吴兴区应急管理领导小组', officeUnitId: bureauId, officeAddress: '吴兴区行政中心', officePhone: '0572 2012345',
      members: [
        { personId: chief, position: 'leader', duty: '全面负责' },
        { personId: deputy, position: 'office_director', duty: '负责领导小组日常工作' },
      ],
    })
    expect(res.statusCode).toBe(200)
    const g = res.json()
    expect(g).toMatchObject({
      regionCode: '330502000000', regionName: '湖州市吴兴区', name: '吴兴区应急管理领导小组', officeUnitId: bureauId, officeUnitName: '吴兴区应急管理局',
      officePhone: '0572-****345', version: 1,
      members: [
        { personId: chief, name: '沈国华', post: '区长', unitName: null, mobile: '138****1001', position: 'leader', positionLabel: '组长', duty: '全面负责', sort: 1 },
        { personId: deputy, name: '钱立新', unitName: '吴兴区应急管理局', mobile: '138****1002', position: 'office_director', positionLabel: '办公室主任', sort: 2 },
      ],
    })
    const list = await wuxing.request({ url: '/api/leading-groups?regionCode=330502000000' })
    expect(list.statusCode).toBe(200)
    expect(list.json().total).toBe(1)
    expect(list.json().items[0].members).toHaveLength(2)
    const audit = await app.db.selectFrom('auditLog').select('after').where('action', '=', 'leading_group.created').where('entityId', '=', String(g.id)).executeTakeFirstOrThrow()
    expect(audit.after).toMatchObject({ name: '吴兴区应急管理领导小组', officePhone: '0572-2012345', members: [{ personId: chief, position: 'leader' }, { personId: deputy }] })
  })

  it('replaces the member list in one go under the version, and audits before and after', async () => {
    const g = (await createGroup(wuxing, { regionCode: '330502000000', name: '吴兴区防汛防台指挥部', members: [{ personId: chief, position: 'leader' }] })).json()
    const res = await wuxing.request({
      method: 'PUT', url: `/api/leading-groups/${g.id}/members`,
      payload: { version: 1, members: [{ personId: deputy, position: 'deputy_leader' }, { personId: clerk, position: 'office_member', duty: '值班调度' }] },
    })
    expect(res.statusCode).toBe(200)
    expect(res.json().version).toBe(2)
    expect(res.json().members.map((m: { name: string; positionLabel: string }) => `${m.name}:${m.positionLabel}`)).toEqual(['钱立新:副组长', '陆小燕:办公室成员'])
    const stale = await wuxing.request({ method: 'PUT', url: `/api/leading-groups/${g.id}/members`, payload: { version: 1, members: [] } })
    expect(stale.statusCode).toBe(409)
    expect(stale.json().message).toBe('领导小组“吴兴区防汛防台指挥部”已被他人修改，请刷新后再提交')
    const audit = await app.db.selectFrom('auditLog').select(['before', 'after']).where('action', '=', 'leading_group.members_replaced').where('entityId', '=', String(g.id)).executeTakeFirstOrThrow()
    expect(audit.before).toEqual({ members: [{ personId: chief, position: 'leader', duty: null, sort: 1 }] })
    expect(audit.after).toEqual({ members: [{ personId: deputy, position: 'deputy_leader', duty: null, sort: 1 }, { personId: clerk, position: 'office_member', duty: '值班调度', sort: 2 }] })
  })

  it('refuses members outside the jurisdiction, twice-listed people and unknown positions, changing nothing', async () => {
    const g = (await createGroup(wuxing, { regionCode: '330502000000', name: '吴兴区安全生产委员会', members: [{ personId: chief, position: 'leader' }] })).json()
    const foreign = await addPerson(nanxun, { regionCode: '330503000000', name: '南浔某人' })
    const outside = await wuxing.request({ method: 'PUT', url: `/api/leading-groups/${g.id}/members`, payload: { version: 1, members: [{ personId: deputy, position: 'member' }, { personId: foreign, position: 'member' }] } })
    expect(outside.statusCode).toBe(400)
    expect(outside.json().message).toBe(`“成员”的值“${foreign}”不存在或不在您的辖区内`)
    const twice = await wuxing.request({ method: 'PUT', url: `/api/leading-groups/${g.id}/members`, payload: { version: 1, members: [{ personId: deputy, position: 'member' }, { personId: deputy, position: 'leader' }] } })
    expect(twice.statusCode).toBe(400)
    expect(twice.json().message).toBe(`“成员”的值“${deputy}”在名单中重复出现`)
    const position = await wuxing.request({ method: 'PUT', url: `/api/leading-groups/${g.id}/members`, payload: { version: 1, members: [{ personId: deputy, position: 'king' }] } })
    expect(position.statusCode).toBe(400)
    expect(position.json().message).toBe('“职务”的值“king”不是允许的取值')
    const after = (await wuxing.request({ url: `/api/leading-groups/${g.id}` })).json()
    expect(after.version).toBe(1)
    expect(after.members.map((m: { personId: number }) => m.personId)).toEqual([chief])
  })

  it('updates the group itself with the version and refuses duplicates', async () => {
    const g = (await createGroup(wuxing, { regionCode: '330502000000', name: '吴兴区减灾委员会' })).json()
    const put = await wuxing.request({
      method: 'PUT', url: `/api/leading-groups/${g.id}`,
      payload: { regionCode: '330502000000', name: '吴兴区减灾委员会', officeAddress: '吴兴区应急管理局三楼', officePhone: '13857201009', version: 1 },
    })
    expect(put.statusCode).toBe(200)
    expect(put.json()).toMatchObject({ officeAddress: '吴兴区应急管理局三楼', officePhone: '138****1009', version: 2 })
    const dup = await wuxing.request({ method: 'PUT', url: `/api/leading-groups/${g.id}`, payload: { regionCode: '330502000000', name: '吴兴区应急管理领导小组', version: 2 } })
    expect(dup.statusCode).toBe(409)
    expect(dup.json().code).toBe('DUPLICATE')
    const badPhone = await wuxing.request({ method: 'PUT', url: `/api/leading-groups/${g.id}`, payload: { regionCode: '330502000000', name: '吴兴区减灾委员会', officePhone: '110', version: 2 } })
    expect(badPhone.statusCode).toBe(400)
    expect(badPhone.json().details).toEqual([{ field: 'officePhone', value: '110' }])
  })

  it('keeps a person in a group from being deleted, and deletes a group with its member list', async () => {
    const temp = await addPerson(wuxing, { regionCode: '330502000000', name: '临时成员' })
    const g = (await createGroup(wuxing, { regionCode: '330502000000', name: '临时工作专班', members: [{ personId: temp, position: 'member' }] })).json()
    const refused = await wuxing.request({ method: 'DELETE', url: `/api/people/${temp}?version=1` })
    expect(refused.statusCode).toBe(409)
    expect(refused.json().message).toBe('“临时成员”仍是“临时工作专班”的成员，请先从成员名单中移除，再删除该人员')
    expect((await wuxing.request({ method: 'DELETE', url: `/api/leading-groups/${g.id}?version=2` })).statusCode).toBe(409)
    expect((await wuxing.request({ method: 'DELETE', url: `/api/leading-groups/${g.id}?version=1` })).statusCode).toBe(200)
    expect((await wuxing.request({ url: `/api/leading-groups/${g.id}` })).statusCode).toBe(404)
    expect((await wuxing.request({ method: 'DELETE', url: `/api/people/${temp}?version=1` })).statusCode).toBe(200)
    const audit = await app.db.selectFrom('auditLog').select('before').where('action', '=', 'leading_group.deleted').where('entityId', '=', String(g.id)).executeTakeFirstOrThrow()
    expect(audit.before).toMatchObject({ name: '临时工作专班', members: [{ personId: temp }] })
  })

  it('hides a sibling county group from lists, reads and writes', async () => {
    const theirs = (await createGroup(nanxun, { regionCode: '330503000000', name: '南浔区应急管理领导小组' })).json()
    const mine = (await wuxing.request({ url: '/api/leading-groups?pageSize=200' })).json()
    expect(mine.items.map((g: { name: string }) => g.name)).not.toContain('南浔区应急管理领导小组')
    const total = await app.db.selectFrom('leadingGroup').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    expect(mine.total).toBe(total.n - 1)
    expect((await wuxing.request({ url: `/api/leading-groups/${theirs.id}` })).statusCode).toBe(404)
    const put = await wuxing.request({ method: 'PUT', url: `/api/leading-groups/${theirs.id}`, payload: { regionCode: '330502000000', name: 'x', version: 1 } })
    expect(put.statusCode).toBe(404)
    expect((await wuxing.request({ method: 'PUT', url: `/api/leading-groups/${theirs.id}/members`, payload: { version: 1, members: [] } })).statusCode).toBe(404)
    expect((await wuxing.request({ method: 'DELETE', url: `/api/leading-groups/${theirs.id}?version=1` })).statusCode).toBe(404)
    const outside = await createGroup(wuxing, { regionCode: '330503000000', name: '越界小组' })
    expect(outside.statusCode).toBe(403)
    expect((await wuxing.request({ url: '/api/leading-groups?regionCode=330503000000' })).statusCode).toBe(403)
  })

  it('reveals the office phone only with phone.reveal, audited', async () => {
    const g = (await createGroup(wuxing, { regionCode: '330502000000', name: '吴兴区森林防灭火指挥部', officePhone: '0572-2099999' })).json()
    const viewer = await signIn(app, { role: 'viewer', regionCode: '330502000000' })
    expect((await viewer.request({ method: 'POST', url: `/api/leading-groups/${g.id}/reveal` })).statusCode).toBe(403)
    expect((await viewer.request({ url: `/api/leading-groups/${g.id}` })).json().officePhone).toBe('0572-****999')
    const res = await wuxing.request({ method: 'POST', url: `/api/leading-groups/${g.id}/reveal` })
    expect(res.json()).toEqual({ officePhone: '0572-2099999' })
    const audit = await app.db.selectFrom('auditLog').select('actorId').where('action', '=', 'leading_group.phone_revealed').where('entityId', '=', String(g.id)).execute()
    expect(audit).toEqual([{ actorId: wuxing.userId }])
  })
})
