import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { signIn, testApp, type Session } from '../../testing/test-app.js'

const WUXING = '330502000000'
const ZHILI = '330502100000'
const NANXUN_TOWN = '330503001000'

let app: FastifyInstance
let duty: Session
let viewer: Session
let ids: { keeper: number; head: number; deputy: number; point: number; line: number }

beforeAll(async () => {
  app = await testApp()
  duty = await signIn(app, { role: 'duty', regionCode: WUXING })
  viewer = await signIn(app, { role: 'viewer', regionCode: WUXING })
  const person = async (name: string, post: string, mobile: string, regionCode = ZHILI) =>
    (await app.db.insertInto('person').values({ regionCode, name, post, mobile }).returning('id').executeTakeFirstOrThrow()).id
  const keeper = await person('沈阿大', '物资保管员', '13857200201')
  const head = await person('姚站长', '站长', '13857200202')
  const deputy = await person('陆副站长', '副站长', '13857200203')
  const point = await app.db.insertInto('resource')
    .values({ kind: 'storage_point', regionCode: ZHILI, name: '织里镇物资储备点', responsiblePersonId: head, liaisonPersonId: deputy, lng: 120.1, lat: 30.85 })
    .returning('id').executeTakeFirstOrThrow()
  await app.db.insertInto('storagePoint').values({ resourceId: point.id, keeperPersonId: keeper }).execute()
  // A line's own liaison outside the jurisdiction is left out; the point's people still count.
  const foreign = await person('南浔的人', '站长', '13857200204', NANXUN_TOWN)
  const line = await app.db.insertInto('supply').values({
    regionCode: ZHILI, classCode: '2000000', name: '冲锋舟', unit: '艘', quantity: 4, storagePointId: point.id, liaisonPersonId: foreign, lng: 120.1, lat: 30.85,
  }).returning('id').executeTakeFirstOrThrow()
  ids = { keeper, head, deputy, point: point.id, line: line.id }
})
afterAll(async () => { await app.close() })

type Contact = { personId: number; role: string; roleLabel: string; name: string; phone: string | null }
const roles = (contacts: Contact[]) => contacts.map((c) => [c.roleLabel, c.name, c.phone])

it('lists the keeper first in a storage point’s popup, then the responsible person and the liaison, masked', async () => {
  const res = await duty.request({ url: `/api/map/point/storage_point/${ids.point}` })
  expect(res.statusCode).toBe(200)
  expect(roles(res.json().contacts)).toEqual([
    ['保管员', '沈阿大', '138****0201'], ['负责人', '姚站长', '138****0202'], ['联络人', '陆副站长', '138****0203'],
  ])
  expect(res.body).not.toContain('13857200201')
})

it('gives a supply line its storage point’s keeper and people, each with the id the audited reveal takes', async () => {
  const res = await viewer.request({ url: `/api/map/point/supply/${ids.line}` })
  expect(res.statusCode).toBe(200)
  const contacts: Contact[] = res.json().contacts
  expect(contacts.map((c) => [c.personId, c.role])).toEqual([[ids.keeper, 'keeper'], [ids.head, 'responsible'], [ids.deputy, 'liaison']])

  expect((await viewer.request({ method: 'POST', url: `/api/people/${ids.keeper}/reveal` })).statusCode).toBe(403)
  const shown = await duty.request({ method: 'POST', url: `/api/people/${contacts[0].personId}/reveal` })
  expect(shown.json()).toMatchObject({ mobile: '13857200201' })
  const entries = await app.db.selectFrom('auditLog').select(['action', 'actorId'])
    .where('entityId', '=', String(ids.keeper)).where('action', '=', 'person.phone_revealed').execute()
  expect(entries).toEqual([{ action: 'person.phone_revealed', actorId: duty.userId }])
})
