import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'
import { XMLParser } from 'fast-xml-parser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_LADDERS } from '../../../domain/warnings/ladder.js'
import { emptyTarget, type WarningTarget } from '../../../domain/warnings/target.js'
import type { Db } from '../../db/database.js'
import { signIn, testApp, type Session } from '../../testing/test-app.js'
import { draftFromCap } from './cap-draft.js'
import { parseCap } from './cap-parse.js'
import { validateCapXml } from './fixtures/validate-cap.js'

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures')
const fixture = (name: string) => fs.readFileSync(path.join(fixtures, name), 'utf8')

const WUXING = '330502000000'
const NANXUN = '330503000000'

let app: FastifyInstance
let county: Session
beforeAll(async () => {
  app = await testApp()
  county = await signIn(app, { role: 'county_manager', regionCode: WUXING })
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

  it('imports a prefixed Update sent as JSON {xml}: colour parameter, circle, a single geocode narrows the region', async () => {
    const res = await county.request({ method: 'POST', url: '/api/warnings/import-cap', payload: { xml: fixture('rainstorm-update.xml') } })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({
      level: 1, eventType: '暴雨', regionCode: '330502001000',
      target: { regions: ['330502001000'], polygons: [], circles: [{ lat: 30.87, lng: 120.1, radiusKm: 6 }] },
    })
    const text = await importXml(county, fixture('rainstorm-update.xml'), 'text/xml; charset=utf-8')
    expect(text.statusCode).toBe(200)
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
