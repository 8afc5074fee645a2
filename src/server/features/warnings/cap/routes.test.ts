import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'
import { XMLParser } from 'fast-xml-parser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CAP_IDENTIFIER_PATTERN, CAP_NAMESPACE } from '../../../../domain/warnings/cap.js'
import { DEFAULT_LADDERS } from '../../../../domain/warnings/ladder.js'
import { emptyTarget, type WarningTarget } from '../../../../domain/warnings/target.js'
import type { Db } from '../../../db/database.js'
import { fakeClock } from '../../../jobs/clock.js'
import { signIn, testApp, type Session } from '../../../testing/test-app.js'
import { draftFromCap } from './draft.js'
import { parseCap } from './parse.js'
import { chinaTime } from '../delivery/message.js'
import { validateCapXml } from './fixtures/validate-cap.js'
import { addPerson, draft, YUEHE } from '../test-fixtures.js'
import type { WarningInput } from '../schema.js'

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures')
const fixture = (name: string) => fs.readFileSync(path.join(fixtures, name), 'utf8')

const WUXING = '330502000000'
const NANXUN = '330503000000'

const clock = fakeClock('2026-07-20T02:00:00Z')
let app: FastifyInstance
let county: Session
/** A second county officer: four eyes, the drafter does not approve. */
let approver: Session
beforeAll(async () => {
  app = await testApp({ clock })
  county = await signIn(app, { role: 'county_manager', regionCode: WUXING })
  approver = await signIn(app, { role: 'county_manager', regionCode: WUXING })
  await addPerson(app, YUEHE, ['head'])
})
afterAll(async () => { await app.close() })

type Row = {
  regionCode: string
  status?: 'draft' | 'submitted' | 'issued' | 'cancelled' | 'ended'
  purpose?: 'warning' | 'drill'
  identifier?: string | null
  revision?: number
  headline?: string
  level?: number
  target?: Partial<WarningTarget>
  issuedAt?: Date | null
}

let made = 0

/** A warning row as the workflow would leave it; written directly so these tests need no other feature. */
async function insertWarning(db: Db, w: Row): Promise<number> {
  const row = await db.insertInto('warning').values({
    regionCode: w.regionCode,
    status: w.status ?? 'issued',
    purpose: w.purpose ?? 'warning',
    identifier: w.identifier === undefined ? `${w.regionCode.slice(0, 6)}00000000_202407011${String(++made).padStart(5, '0')}_0` : w.identifier,
    revision: w.revision ?? 1,
    eventClass: 'natural',
    eventType: '暴雨',
    level: w.level ?? 1,
    headline: w.headline ?? '吴兴区暴雨红色预警',
    description: '预计未来 3 小时出现 100 毫米以上降水。',
    instruction: '危险区域人员立即转移。',
    areaDesc: '月河街道、朝阳街道',
    senderName: '吴兴区应急管理局',
    onset: new Date('2024-07-01T00:00:00Z'),
    expires: new Date('2024-07-01T12:00:00Z'),
    issuedAt: w.issuedAt === undefined ? new Date('2024-07-01T00:00:00Z') : w.issuedAt,
    target: JSON.stringify({ ...emptyTarget(), ...w.target }),
    channels: ['inapp', 'sms'],
    ladder: JSON.stringify(DEFAULT_LADDERS[1]),
  }).returning('id').executeTakeFirstOrThrow()
  return row.id
}

const importXml = (s: Session, xml: string, contentType = 'application/xml') =>
  s.request({ method: 'POST', url: '/api/warnings/import-cap', headers: { 'content-type': contentType }, payload: xml })

const exportXml = (s: Session, id: number) => s.request({ url: `/api/warnings/${id}/cap.xml` })

describe('GET /api/warnings/:id/cap.xml', () => {
  it('exports a warning of the jurisdiction as CAP 1.2 that the OASIS schema accepts', async () => {
    const identifier = '33050200000000_20240701080000_0'
    const id = await insertWarning(app.db, {
      regionCode: WUXING, identifier,
      target: { regions: ['330502001000', '330502002000', '330502003000'], polygons: [[[30.86, 120.07], [30.9, 120.1], [30.88, 120.14], [30.86, 120.07]]], circles: [{ lat: 30.87, lng: 120.1, radiusKm: 3 }] },
    })
    const viewer = await signIn(app, { role: 'viewer', regionCode: WUXING })
    const res = await exportXml(viewer, id)
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('application/xml; charset=utf-8')
    expect(res.headers['content-disposition']).toContain(`${identifier}.xml`)
    expect(validateCapXml(res.body).valid).toBe(true)
    expect(res.body).toContain(`<identifier>${identifier}</identifier>`)
    expect(res.body).toContain('<sent>2024-07-01T08:00:00+08:00</sent>')
    expect(res.body).toContain('<msgType>Alert</msgType>')
    expect(res.body).toContain('<value>330502003000</value>')
  })

  it('answers 404 for a warning of another county, or above a township user', async () => {
    const other = await insertWarning(app.db, { regionCode: NANXUN, headline: '南浔区暴雨预警' })
    const res = await exportXml(county, other)
    expect(res.statusCode).toBe(404)
    expect(res.body).not.toContain('南浔区暴雨预警')
    const own = await insertWarning(app.db, { regionCode: WUXING })
    const township = await signIn(app, { role: 'township_manager', regionCode: '330502001000' })
    expect((await exportXml(township, own)).statusCode).toBe(404)
    expect((await exportXml(county, 99_999_999)).statusCode).toBe(404)
  })

  it('exports later messages: Update, Cancel and all-clear, each schema-valid', async () => {
    const base = '33050200000000_20240701080000_4'
    const update = await insertWarning(app.db, { regionCode: WUXING, identifier: base.replace(/_4$/, '_3'), revision: 2 })
    const cancelled = await insertWarning(app.db, { regionCode: WUXING, identifier: base, status: 'cancelled' })
    await app.db.updateTable('warning').set({ endedAt: new Date('2024-07-01T03:00:00Z'), endReason: '降雨减弱' }).where('id', '=', cancelled).execute()
    const ended = await insertWarning(app.db, { regionCode: WUXING, identifier: base.replace(/_4$/, '_6'), status: 'ended' })
    const drill = await insertWarning(app.db, { regionCode: WUXING, identifier: base.replace(/_4$/, '_8'), purpose: 'drill', level: 4 })
    const draft = await insertWarning(app.db, { regionCode: WUXING, identifier: null, status: 'draft', issuedAt: null })
    const expected: Array<[number, RegExp]> = [
      [update, /<msgType>Update<\/msgType>[\s\S]*<references>330502000000@shouwang,33050200000000_20240701080000_3,2024-07-01T08:00:00\+08:00<\/references>/],
      [cancelled, /<identifier>33050200000000_20240701080000_5<\/identifier>[\s\S]*<msgType>Cancel<\/msgType>[\s\S]*<note>降雨减弱<\/note>/],
      [ended, /<msgType>Update<\/msgType>[\s\S]*<responseType>AllClear<\/responseType>/],
      [drill, /<status>Test<\/status>/],
      [draft, /<status>Draft<\/status>/],
    ]
    for (const [id, pattern] of expected) {
      const res = await exportXml(county, id)
      expect(res.statusCode).toBe(200)
      expect(res.body).toMatch(pattern)
      const check = validateCapXml(res.body)
      expect(check.output).toContain('validates')
    }
  })
})

describe('POST /api/warnings/import-cap', () => {
  it('imports a 气象台 orange rainstorm warning as a draft of the narrowest region holding its geocodes', async () => {
    const xml = fixture('rainstorm-orange.xml')
    const res = await importXml(county, xml)
    expect(res.statusCode).toBe(200)
    const w = res.json()
    expect(w).toMatchObject({
      status: 'draft', purpose: 'warning', source: 'cap', version: 1, regionCode: WUXING,
      level: 2, eventClass: 'natural', eventType: '暴雨',
      headline: '湖州市气象台发布暴雨橙色预警信号', senderName: '湖州市气象台', areaDesc: '吴兴区月河街道、朝阳街道',
      onset: '2024-07-01T00:00:00.000Z', expires: '2024-07-01T12:00:00.000Z',
    })
    expect(w.description).toContain('50 毫米以上降水')
    expect(w.instruction).toContain('暂停户外作业')
    expect(w.target.regions).toEqual(['330502001000', '330502002000'])
    expect(w.target.polygons).toEqual([[[30.86, 120.07], [30.9, 120.1], [30.88, 120.14], [30.84, 120.12], [30.86, 120.07]]])
    expect(w.ladder).toEqual(DEFAULT_LADDERS[2])
    const stored = await app.db.selectFrom('warning').select(['sourceXml', 'createdBy']).where('id', '=', w.id).executeTakeFirstOrThrow()
    expect(stored.sourceXml).toBe(xml)
    expect(stored.createdBy).toBe(county.userId)
    const audit = await app.db.selectFrom('auditLog').select(['action', 'regionCode', 'after']).where('entity', '=', 'warning').where('entityId', '=', String(w.id)).execute()
    expect(audit.map((a) => a.action)).toEqual(['warning.imported'])
    expect(audit[0].regionCode).toBe(WUXING)
  })

  it('imports a prefixed Update of a warning it does not have, sent as JSON {xml}: colour parameter, circle, a single geocode narrows the region', async () => {
    // Its own identifier and no references: the attached case is tested below.
    const xml = fixture('rainstorm-update.xml').replace('20240701093000_1</cap:identifier>', '20240701093000_3</cap:identifier>')
      .replace(/<cap:references>.*<\/cap:references>\n/, '')
    const res = await county.request({ method: 'POST', url: '/api/warnings/import-cap', payload: { xml } })
    expect(res.statusCode).toBe(200)
    expect(res.json().imported.outcome).toBe('created')
    expect(res.json()).toMatchObject({
      level: 1, eventType: '暴雨', regionCode: '330502001000',
      target: { regions: ['330502001000'], polygons: [], circles: [{ lat: 30.87, lng: 120.1, radiusKm: 6 }] },
    })
    const text = await importXml(county, xml, 'text/xml; charset=utf-8')
    expect(text.statusCode).toBe(200)
    expect(text.json()).toMatchObject({ id: res.json().id, imported: { outcome: 'duplicate' } })
  })

  it('round-trips: an exported warning imports back with the same fields', async () => {
    const hostile = `暴雨🌧️ <script>alert("x")</script> & 'quoted'`
    const id = await insertWarning(app.db, {
      regionCode: WUXING, headline: hostile, level: 3,
      target: { regions: ['330502001000', '330502002000'], polygons: [[[30.86, 120.07], [30.9, 120.1], [30.88, 120.14], [30.86, 120.07]]], circles: [{ lat: 30.87, lng: 120.1, radiusKm: 2.5 }] },
    })
    const exported = await exportXml(county, id)
    expect(validateCapXml(exported.body).valid).toBe(true)
    const imported = await importXml(county, exported.body)
    expect(imported.statusCode).toBe(200)
    const original = (await app.db.selectFrom('warning').selectAll().where('id', '=', id).executeTakeFirstOrThrow())
    const copy = imported.json()
    for (const k of ['eventClass', 'eventType', 'level', 'headline', 'description', 'instruction', 'areaDesc', 'senderName'] as const) {
      expect(copy[k], k).toEqual(original[k])
    }
    expect(copy.onset).toBe(original.onset.toISOString())
    expect(copy.expires).toBe(original.expires?.toISOString())
    expect(copy.target).toMatchObject({ regions: ['330502001000', '330502002000'], polygons: [[[30.86, 120.07], [30.9, 120.1], [30.88, 120.14], [30.86, 120.07]]], circles: [{ lat: 30.87, lng: 120.1, radiusKm: 2.5 }] })
    // A draft exports as CAP Draft and imports again; the new draft is its own warning.
    const again = await exportXml(county, copy.id)
    expect(new XMLParser().parse(again.body).alert.status).toBe('Draft')
    expect((await importXml(county, again.body)).json().headline).toBe(hostile)
  })

  it.each([
    ['broken-not-xml.txt', 'CAP_INVALID', '内容不是 XML'],
    ['broken-malformed.xml', 'CAP_INVALID', '内容不是有效的 XML（第 26 行'],
    ['broken-not-cap.xml', 'CAP_INVALID', '根元素是 rss，不是 CAP 的 alert'],
    ['broken-namespace.xml', 'CAP_INVALID', 'alert 的命名空间 "urn:oasis:names:tc:emergency:cap:1.1" 不是 CAP 1.2'],
    ['broken-missing-sent.xml', 'CAP_INVALID', 'alert 缺少必填元素 sent'],
    ['broken-severity.xml', 'CAP_INVALID', '第 1 个 info 的 severity 值 "Bad" 不是 CAP 1.2 允许的值（Extreme/Severe/Moderate/Minor/Unknown）'],
    ['broken-time.xml', 'CAP_INVALID', 'alert 的 sent 值 "2024-06-30T23:30:00Z" 不是 CAP 1.2 的时间格式'],
    ['broken-polygon.xml', 'CAP_INVALID', '第 1 个 info 第 1 个 area 的 polygon 值 "30.86,120.07 30.90,120.10 30.88,120.14 30.84,120.12" 首尾两点不同，多边形未闭合'],
    ['broken-doctype.xml', 'CAP_INVALID', '不允许包含 DOCTYPE'],
    ['rainstorm-cancel.xml', 'CAP_NOT_IMPORTABLE', '撤销消息'],
    ['unknown-region.xml', 'CAP_UNKNOWN_REGION', '330502999000'],
  ])('refuses %s with 400 %s naming the problem', async (name, code, message) => {
    const before = await app.db.selectFrom('warning').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    const res = await importXml(county, fixture(name))
    expect(res.statusCode).toBe(400)
    expect(res.json().code).toBe(code)
    expect(res.json().message).toContain(message)
    const after = await app.db.selectFrom('warning').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    expect(Number(after.n)).toBe(Number(before.n))
  })

  it('refuses a message whose geocodes lie outside the jurisdiction, and writes nothing', async () => {
    const nanxun = await signIn(app, { role: 'county_manager', regionCode: NANXUN })
    const res = await importXml(nanxun, fixture('rainstorm-orange.xml'))
    expect(res.statusCode).toBe(403)
    expect(res.json().code).toBe('OUT_OF_JURISDICTION')
    expect(res.json().message).toContain('330502001000')
    const audit = await app.db.selectFrom('auditLog').select('id').where('action', '=', 'warning.imported').where('actorId', '=', nanxun.userId).execute()
    expect(audit).toEqual([])
  })

  it('needs warnings.write, and XML, text or JSON content', async () => {
    const viewer = await signIn(app, { role: 'viewer', regionCode: WUXING })
    expect((await importXml(viewer, fixture('rainstorm-orange.xml'))).statusCode).toBe(403)
    const binary = await importXml(county, fixture('rainstorm-orange.xml'), 'application/octet-stream')
    expect(binary.statusCode).toBe(415)
    expect(binary.json().message).toBe('不支持的请求内容类型')
    // Fastify reads text/plain itself; the text is still checked as CAP.
    const plain = await importXml(county, 'hello', 'text/plain')
    expect(plain.statusCode).toBe(400)
    expect(plain.json().message).toContain('内容不是 XML')
    const empty = await county.request({ method: 'POST', url: '/api/warnings/import-cap', payload: { xml: '' } })
    expect(empty.statusCode).toBe(400)
    expect(empty.json().message).toContain('请求内容为空')
  })
})

describe('reading CAP (no database)', () => {
  const orange = fixture('rainstorm-orange.xml')
  const draft = (xml: string) => draftFromCap(parseCap(xml))
  const refusal = (xml: string) => {
    try {
      draft(xml)
    } catch (err) {
      return (err as Error).message
    }
    throw new Error('accepted')
  }

  it('prefers an explicit colour to severity, and falls back to severity without one', () => {
    expect(draft(orange.replace('<severity>Severe</severity>', '<severity>Extreme</severity>')).level).toBe(2)
    const colourless = orange.replace(/<eventCode>[\s\S]*?<\/eventCode>/, '').replace('暴雨橙色预警信号', '暴雨预警信号')
    expect(draft(colourless).level).toBe(2)
    expect(draft(colourless.replace('<severity>Severe</severity>', '<severity>Minor</severity>')).level).toBe(4)
    expect(refusal(colourless.replace('<severity>Severe</severity>', '<severity>Unknown</severity>'))).toContain('无法确定预警级别')
  })

  it('pads 6-digit GB/T 2260 codes, ignores other geocode schemes and takes the Chinese info', () => {
    const six = orange.replace('<value>330502001</value>', '<value>330502</value>')
      .replace('<geocode>', '<geocode><valueName>SAME</valueName><value>012345</value></geocode><geocode>')
    expect(draft(six).regions).toEqual(['330502000000', '330502002000'])
    const english = '<info><language>en-US</language><category>Met</category><event>Rainstorm</event><urgency>Expected</urgency><severity>Minor</severity><certainty>Likely</certainty></info>'
    expect(draft(orange.replace('<info>', `${english}<info>`)).eventType).toBe('暴雨')
  })

  it('lists every problem it finds, not only the first', () => {
    const bad = orange.replace('<status>Actual</status>', '<status>Real</status>').replace('<urgency>Expected</urgency>', '<urgency>Soon</urgency>')
      .replace('<onset>2024-07-01T08:00:00+08:00</onset>', '<onset>2024-07-01 08:00</onset>')
    const message = refusal(bad)
    expect(message).toContain('alert 的 status 值 "Real" 不是 CAP 1.2 允许的值（Actual/Exercise/System/Test/Draft）')
    expect(message).toContain('第 1 个 info 的 urgency 值 "Soon"')
    expect(message).toContain('第 1 个 info 的 onset 值 "2024-07-01 08:00" 不是 CAP 1.2 的时间格式')
  })

  it('refuses all-clears, tests and exercises, and messages without info', () => {
    expect(refusal(orange.replace('<responseType>Prepare</responseType>', '<responseType>AllClear</responseType>'))).toContain('解除通知')
    expect(refusal(orange.replace('<status>Actual</status>', '<status>Exercise</status>'))).toContain('status 为 Exercise')
    expect(refusal(fixture('rainstorm-cancel.xml').replace('<msgType>Cancel</msgType>', '<msgType>Alert</msgType>'))).toContain('没有 info')
  })
})

// ---- messages sent through the workflow ----

const act = (s: Session, id: number, action: string, payload: object) =>
  s.request({ method: 'POST', url: `/api/warnings/${id}/${action}`, payload })

async function submitted(input: WarningInput = draft()) {
  const w = (await county.request({ method: 'POST', url: '/api/warnings', payload: input })).json()
  const res = await act(county, w.id, 'submit', { version: w.version })
  expect(res.statusCode).toBe(200)
  return res.json()
}

async function issued(input?: WarningInput) {
  const w = await submitted(input)
  const res = await act(approver, w.id, 'approve', { version: w.version })
  expect(res.statusCode, res.body).toBe(200)
  return res.json()
}

type Exported = { identifier: string; sender: string; sent: string; msgType: string; references?: string; status: string }

/** The warning's current CAP message, checked against the OASIS schema. */
async function exported(id: number): Promise<Exported> {
  const res = await exportXml(county, id)
  expect(res.statusCode).toBe(200)
  expect(validateCapXml(res.body).output).toContain('validates')
  const alert = new XMLParser({ parseTagValue: false }).parse(res.body).alert
  return { identifier: alert.identifier, sender: alert.sender, sent: alert.sent, msgType: alert.msgType, references: alert.references, status: alert.status }
}
const ref = (m: Exported) => `${m.sender},${m.identifier},${m.sent}`

describe('CAP messages of issued warnings', () => {
  it('gives every message its own identifier, also for warnings issued in the same second and at once', async () => {
    const drafts = await Promise.all([1, 2, 3].map(() => submitted()))
    const approvals = await Promise.all(drafts.map((w) => act(approver, w.id, 'approve', { version: w.version })))
    expect(approvals.map((r) => r.statusCode)).toEqual([200, 200, 200])
    const alerts = approvals.map((r) => r.json().identifier as string)
    // An update of the first in that same second is a fourth message of the county in that second.
    const update = await act(approver, drafts[0].id, 'update', { version: approvals[0].json().version, headline: '吴兴区暴雨橙色预警（更新）' })
    expect(update.statusCode).toBe(200)
    const messages = await Promise.all(drafts.map((w) => exported(w.id)))
    const identifiers = [...alerts, messages[0].identifier]
    expect(new Set(identifiers).size).toBe(4)
    for (const id of identifiers) {
      expect(id).toMatch(CAP_IDENTIFIER_PATTERN)
      // Same region, organisation and second: only the sequence digit tells them apart.
      expect(id.slice(0, -1)).toBe('33050200000000_20260720100000_')
    }
    expect(messages.slice(1).map((m) => m.identifier)).toEqual(alerts.slice(1))
    expect(messages[0]).toMatchObject({ msgType: 'Update', references: `330502000000@shouwang,${alerts[0]},2026-07-20T10:00:00+08:00` })
    const stored = await app.db.selectFrom('capMessage').select('identifier').where('direction', '=', 'sent').execute()
    expect(new Set(stored.map((m) => m.identifier)).size).toBe(stored.length)
  })

  it('makes every Update and Cancel reference all earlier messages of the warning', async () => {
    clock.advance(60_000)
    const w = await issued()
    const sent = [await exported(w.id)]
    expect(sent[0]).toMatchObject({ msgType: 'Alert', status: 'Actual', identifier: w.identifier })
    expect(sent[0].references).toBeUndefined()
    let version = w.version
    for (const headline of ['第二版', '第三版']) {
      clock.advance(60_000)
      const res = await act(approver, w.id, 'update', { version, headline })
      version = res.json().version
      const m = await exported(w.id)
      expect(m.msgType).toBe('Update')
      expect(m.references).toBe(sent.map(ref).join(' '))
      sent.push(m)
    }
    clock.advance(60_000)
    const cancel = await act(approver, w.id, 'cancel', { version, reason: '误发' })
    expect(cancel.statusCode).toBe(200)
    const last = await exported(w.id)
    expect(last.msgType).toBe('Cancel')
    expect(last.references!.split(' ')).toEqual(sent.map(ref))
    expect(new Set([...sent, last].map((m) => m.identifier)).size).toBe(4)

    // 解除 is an all-clear Update, referencing the Alert.
    clock.advance(60_000)
    const other = await issued()
    const alert = await exported(other.id)
    clock.advance(60_000)
    await act(approver, other.id, 'end', { version: other.version, reason: '降雨结束' })
    const end = await exported(other.id)
    expect(end).toMatchObject({ msgType: 'Update', references: ref(alert) })
    expect((await exportXml(county, other.id)).body).toContain('<responseType>AllClear</responseType>')
  })
})

describe('importing upstream messages', () => {
  const orange = fixture('rainstorm-orange.xml')
  const withIdentifier = (xml: string, n: number) => xml.replace('<identifier>33050041600000_20240701073000_1</identifier>', `<identifier>33050041600000_20240701073000_${n}</identifier>`)
  const count = async (table: 'warning' | 'capMessage') => Number((await app.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)

  it('imports the same message once: the second import says which draft it became', async () => {
    const xml = withIdentifier(orange, 5)
    const first = await importXml(county, xml)
    expect(first.json().imported).toMatchObject({ outcome: 'created' })
    const [warnings, messages] = [await count('warning'), await count('capMessage')]
    const again = await importXml(county, xml)
    expect(again.statusCode).toBe(200)
    expect(again.json()).toMatchObject({ id: first.json().id, status: 'draft', imported: { outcome: 'duplicate' } })
    expect(again.json().imported.message).toBe(
      `该 CAP 消息（标识 33050041600000_20240701073000_5）已于${chinaTime(clock.now())}导入为预警“湖州市气象台发布暴雨橙色预警信号”（编号 ${first.json().id}，草稿），未重复导入`)
    expect([await count('warning'), await count('capMessage')]).toEqual([warnings, messages])

    // Posted twice at the same moment: still one draft, and both answers name it.
    const twice = await Promise.all([importXml(county, withIdentifier(orange, 6)), importXml(approver, withIdentifier(orange, 6))])
    expect(twice.map((r) => r.statusCode)).toEqual([200, 200])
    expect(twice.map((r) => r.json().imported.outcome).sort()).toEqual(['created', 'duplicate'])
    expect(twice[0].json().id).toBe(twice[1].json().id)
    expect(await count('warning')).toBe(warnings + 1)

    // A message this deployment sent, fed back in: it is that warning's, not a new draft.
    const w = await issued()
    const own = await importXml(county, (await exportXml(county, w.id)).body)
    expect(own.json()).toMatchObject({ id: w.id, imported: { outcome: 'duplicate' } })
    expect(own.json().imported.message).toContain('这是本系统发出的预警')
  })

  it('attaches an upstream Update and Cancel to the warning they refer to', async () => {
    // The orange Alert was imported by the first import test; the Update references it.
    const alert = (await importXml(county, orange)).json()
    expect(alert.imported.outcome).toBe('duplicate')
    const update = await importXml(county, fixture('rainstorm-update.xml'))
    expect(update.statusCode).toBe(200)
    expect(update.json()).toMatchObject({ id: alert.id, status: 'draft', level: 1, imported: { outcome: 'attached' } })
    expect(update.json().headline).toBe('湖州市气象台将暴雨橙色预警信号升级为红色')
    expect(update.json().version).toBe(alert.version + 1)
    expect(update.json().imported.message).toContain('草稿已按其内容更新')

    const cancel = await importXml(county, fixture('rainstorm-cancel.xml'))
    expect(cancel.json()).toMatchObject({ id: alert.id, status: 'draft', imported: { outcome: 'attached' } })
    expect(cancel.json().imported.message).toContain('请核对后决定是否撤销本预警')
    const steps = cancel.json().steps.filter((s: { kind: string }) => s.kind === 'upstream').map((s: { text: string }) => s.text)
    expect(steps).toEqual([
      '收到上游撤销报文（hz-qxt@weather.example.cn，标识 33050041600000_20240701120000_1），请核对后决定是否撤销本预警',
      '收到上游更新报文（hz-qxt@weather.example.cn，标识 33050041600000_20240701093000_1），草稿已按其内容更新',
    ])
    const audit = await app.db.selectFrom('auditLog').select('action').where('entity', '=', 'warning').where('entityId', '=', String(alert.id)).orderBy('id').execute()
    expect(audit.map((a) => a.action)).toEqual(['warning.imported', 'warning.upstream_attached', 'warning.upstream_attached'])
    const received = await app.db.selectFrom('capMessage').select('msgType').where('warningId', '=', alert.id).orderBy('id').execute()
    expect(received.map((m) => m.msgType)).toEqual(['Alert', 'Update', 'Cancel'])

    // A Cancel naming a message of an issued warning: recorded on it, nothing withdrawn without a person.
    const w = await issued()
    const ours = await exported(w.id)
    const upstreamCancel = fixture('rainstorm-cancel.xml').replace('_20240701120000_1<', '_20240701120000_7<')
      .replace(/<references>.*<\/references>/, `<references>${ref(ours)}</references>`)
    const attached = await importXml(county, upstreamCancel)
    expect(attached.json()).toMatchObject({ id: w.id, status: 'issued', imported: { outcome: 'attached' } })
    // Another county cannot reach it through references: the Cancel is refused there.
    const nanxun = await signIn(app, { role: 'county_manager', regionCode: NANXUN })
    const elsewhere = await importXml(nanxun, upstreamCancel.replace('_20240701120000_7<', '_20240701120000_8<'))
    expect(elsewhere.statusCode).toBe(400)
    expect(elsewhere.json().code).toBe('CAP_NOT_IMPORTABLE')
  })

  it('refuses an imported draft by the same checks as one written in the form', async () => {
    const before = [await count('warning'), await count('capMessage')]
    const noInstruction = withIdentifier(orange, 8).replace(/<instruction>[\s\S]*?<\/instruction>/, '')
    const imported = await importXml(county, noInstruction)
    const typed = await county.request({ method: 'POST', url: '/api/warnings', payload: draft({ instruction: ' ' }) })
    for (const res of [imported, typed]) {
      expect(res.statusCode).toBe(400)
      expect(res.json()).toMatchObject({ code: 'INVALID_FIELD', details: [{ field: 'instruction' }] })
      expect(res.json().message).toMatch(/“应当采取的措施”的值“ ?”不能为空$/)
    }
    expect(imported.json().message).toMatch(/^CAP 报文生成的草稿未通过检查：/)

    const endsFirst = withIdentifier(orange, 9).replace('<expires>2024-07-01T20:00:00+08:00</expires>', '<expires>2024-07-01T07:00:00+08:00</expires>')
    const typedEarly = await county.request({ method: 'POST', url: '/api/warnings', payload: draft({ expires: '2026-07-20T01:00:00Z' }) })
    for (const res of [await importXml(county, endsFirst), typedEarly]) {
      expect(res.statusCode).toBe(400)
      expect(res.json().message).toMatch(/“失效时间”的值“.+”必须晚于起始时间$/)
    }
    expect([await count('warning'), await count('capMessage')]).toEqual(before)
  })

  it.each([
    ['a misspelt closing tag', fixture('broken-malformed.xml'), '应为 headline 的结束标签（该元素在第 26 行第 5 列开始），实际是 headlin 的结束标签'],
    ['an unescaped ampersand', `<alert xmlns="${CAP_NAMESPACE}"><note>雨 & 风</note></alert>`, '出现了未转义的“&”'],
    ['an unclosed root', `<alert xmlns="${CAP_NAMESPACE}"><note>雨</note>`, '元素 alert 没有结束标签'],
    ['two roots', `<alert xmlns="${CAP_NAMESPACE}"></alert><alert xmlns="${CAP_NAMESPACE}"></alert>`, '有多个根元素'],
    ['a repeated attribute', `<alert xmlns="${CAP_NAMESPACE}"><note a="1" a="2">雨</note></alert>`, '属性 a 重复出现'],
  ])('says what is wrong with %s in Chinese', async (_what, xml, finding) => {
    const res = await importXml(county, xml)
    expect(res.statusCode).toBe(400)
    expect(res.json().code).toBe('CAP_INVALID')
    expect(res.json().message).toContain(finding)
    // No sentence of the XML checker's English is passed on.
    expect(res.json().message).not.toMatch(/\b(expected|instead|found|is not|tag|Unclosed|repeated)\b/i)
  })
})
