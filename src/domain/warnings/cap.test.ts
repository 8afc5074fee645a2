import { XMLParser } from 'fast-xml-parser'
import { describe, expect, it } from 'vitest'
import { validateCapXml } from '../../server/features/warnings/cap/fixtures/validate-cap.js'
import {
  buildCapXml, capCategory, capCircle, capEnvelope, capIdentifier, capNumber, capPolygon, capTime, escapeXml,
  messageIdentifier, parseCapTime, type CapWarning,
} from './cap.js'
import { emptyTarget } from './target.js'

const issuedAt = new Date('2024-07-01T00:05:09.900Z') // 08:05:09 in Beijing

function warning(over: Partial<CapWarning> = {}): CapWarning {
  return {
    regionCode: '330502000000',
    purpose: 'warning',
    status: 'issued',
    identifier: capIdentifier({ regionCode: '330502000000', issuedAt }),
    revision: 1,
    eventClass: 'natural',
    eventType: '暴雨',
    level: 1,
    headline: '吴兴区暴雨红色预警',
    description: '预计未来 3 小时吴兴区将出现 100 毫米以上降水。',
    instruction: '危险地带人员立即转移。',
    areaDesc: '吴兴区月河街道、朝阳街道',
    senderName: '吴兴区应急管理局',
    onset: new Date('2024-07-01T00:00:00Z'),
    expires: new Date('2024-07-01T12:00:00Z'),
    issuedAt,
    endedAt: null,
    endReason: null,
    createdAt: new Date('2024-06-30T23:50:00Z'),
    updatedAt: issuedAt,
    target: {
      ...emptyTarget(),
      regions: ['330502001000', '330502002000', '330502003000'],
      polygons: [[[30.87, 120.08], [30.9, 120.12], [30.85, 120.15], [30.87, 120.08]]],
      circles: [{ lat: 30.88, lng: 120.1, radiusKm: 5 }],
    },
    ...over,
  }
}

const now = new Date('2024-07-01T02:00:00Z')
const parse = (xml: string) => new XMLParser({ parseTagValue: false, isArray: (name) => ['geocode', 'parameter', 'polygon', 'circle'].includes(name) }).parse(xml).alert

function expectValid(xml: string) {
  const result = validateCapXml(xml)
  expect(result.output).toContain('validates')
  expect(result.valid).toBe(true)
}

describe('CAP text pieces', () => {
  it('escapes markup and quotes, keeps Chinese and emoji, and drops characters XML cannot carry', () => {
    expect(escapeXml(`<script>&"'`)).toBe('&lt;script&gt;&amp;&quot;&apos;')
    expect(escapeXml('暴雨🌧️预警')).toBe('暴雨🌧️预警')
    expect(escapeXml('a\u0000b\u0007c\td\uFFFEe\uD800f')).toBe('abc\tdef')
  })

  it('writes times at +08:00 from UTC instants, never Z, and reads them back', () => {
    expect(capTime(new Date('2024-06-30T23:30:05.789Z'))).toBe('2024-07-01T07:30:05+08:00')
    expect(capTime(new Date('2024-12-31T16:00:00Z'))).toBe('2025-01-01T00:00:00+08:00')
    expect(parseCapTime('2024-07-01T07:30:05+08:00')?.toISOString()).toBe('2024-06-30T23:30:05.000Z')
    expect(parseCapTime('2024-07-01T07:30:05-05:00')?.toISOString()).toBe('2024-07-01T12:30:05.000Z')
    expect(parseCapTime('2024-07-01T07:30:05Z')).toBeNull()
    expect(parseCapTime('2024-07-01T07:30:05.5+08:00')).toBeNull()
    expect(parseCapTime('2024-02-30T07:30:05+08:00')).toBeNull()
    expect(parseCapTime('2024-07-01 07:30:05+08:00')).toBeNull()
  })

  it('makes 31-character GB/T 35965.1 identifiers from the county code and Beijing time', () => {
    const id = capIdentifier({ regionCode: '330502001000', issuedAt, sequence: 3 })
    expect(id).toBe('33050200000000_20240701080509_3')
    expect(id).toHaveLength(31)
    expect(capIdentifier({ regionCode: '330502000000', issuedAt, organisation: '123' })).toBe('33050212300000_20240701080509_0')
    expect(() => capIdentifier({ regionCode: '330502', issuedAt })).toThrow(RangeError)
    expect(() => capIdentifier({ regionCode: '330502000000', issuedAt, sequence: 10 })).toThrow(RangeError)
  })

  it('gives each later message its own identifier by the sequence digit, wrapping after ten', () => {
    const base = '33050200000000_20240701080509_7'
    expect(messageIdentifier(base, 1)).toBe(base)
    expect(messageIdentifier(base, 2)).toBe('33050200000000_20240701080509_8')
    expect(messageIdentifier(base, 4)).toBe('33050200000000_20240701080509_0')
    expect(messageIdentifier(base, 4)).toHaveLength(31)
  })

  it('writes closed polygons and circles in km as "lat,lon" text without exponents', () => {
    expect(capPolygon([[30.1, 120.2], [30.2, 120.3], [30.15, 120.4]])).toBe('30.1,120.2 30.2,120.3 30.15,120.4 30.1,120.2')
    expect(capPolygon([[30.1, 120.2], [30.2, 120.3], [30.15, 120.4], [30.1, 120.2]])).toBe('30.1,120.2 30.2,120.3 30.15,120.4 30.1,120.2')
    expect(capCircle({ lat: 30.88, lng: 120.1, radiusKm: 2.5 })).toBe('30.88,120.1 2.5')
    expect(capNumber(1e-7)).toBe('0')
    expect(capNumber(-0.0000001)).toBe('0')
    expect(capNumber(120.123456789)).toBe('120.123457')
  })

  it('maps event types to CAP categories, falling back on the hazard word and then the class', () => {
    expect(capCategory('natural', '暴雨')).toBe('Met')
    expect(capCategory('natural', '地质灾害')).toBe('Geo')
    expect(capCategory('natural', '森林火灾')).toBe('Fire')
    expect(capCategory('natural', '冻雨')).toBe('Met')
    expect(capCategory('natural', '山体滑坡')).toBe('Geo')
    expect(capCategory('accident', '道路交通事故')).toBe('Transport')
    expect(capCategory('health', '传染病疫情')).toBe('Health')
    expect(capCategory('social', '群体性事件')).toBe('Security')
    expect(capCategory('accident', '某种事故')).toBe('Safety')
    expect(capCategory('natural', '某种灾害')).toBe('Other')
  })
})

describe('CAP envelope', () => {
  it('is an Alert for revision 1, Immediate for red once onset has passed', () => {
    const env = capEnvelope(warning(), { now })
    expect(env).toMatchObject({ msgType: 'Alert', status: 'Actual', references: null, urgency: 'Immediate', sender: '330502000000@shouwang' })
    expect(env.sent).toEqual(issuedAt)
    expect(capEnvelope(warning({ level: 3 }), { now }).urgency).toBe('Expected')
    expect(capEnvelope(warning({ onset: new Date('2024-07-01T06:00:00Z') }), { now }).urgency).toBe('Expected')
  })

  it('is a Draft sent now before issue, with an identifier made from the creation time', () => {
    const env = capEnvelope(warning({ status: 'draft', identifier: null, issuedAt: null }), { now, senderDomain: 'hz.example.cn' })
    expect(env).toMatchObject({ status: 'Draft', msgType: 'Alert', identifier: '33050200000000_20240701075000_0', sender: '330502000000@hz.example.cn' })
    expect(env.sent).toEqual(now)
  })

  it('references the original Alert from updates, cancels and all-clears', () => {
    const updatedAt = new Date('2024-07-01T01:00:00Z')
    const original = '330502000000@shouwang,33050200000000_20240701080509_0,2024-07-01T08:05:09+08:00'
    const update = capEnvelope(warning({ revision: 3, updatedAt }), { now })
    expect(update).toMatchObject({ msgType: 'Update', identifier: '33050200000000_20240701080509_2', references: original, responseType: null })
    expect(update.sent).toEqual(updatedAt)
    const endedAt = new Date('2024-07-01T03:00:00Z')
    const cancel = capEnvelope(warning({ status: 'cancelled', endedAt, endReason: '误报' }), { now })
    expect(cancel).toMatchObject({ msgType: 'Cancel', identifier: '33050200000000_20240701080509_1', references: original, note: '误报', urgency: 'Past' })
    expect(cancel.sent).toEqual(endedAt)
    const allClear = capEnvelope(warning({ status: 'ended', revision: 2, endedAt }), { now })
    expect(allClear).toMatchObject({ msgType: 'Update', responseType: 'AllClear', identifier: '33050200000000_20240701080509_2' })
  })
})

describe('CAP XML against the OASIS schema (xmllint)', () => {
  it('validates a red warning with a polygon, a circle and three geocodes', () => {
    const xml = buildCapXml(warning(), { now })
    expectValid(xml)
    const alert = parse(xml)
    expect(alert.identifier).toHaveLength(31)
    expect(alert.sent).toBe('2024-07-01T08:05:09+08:00')
    expect(alert.info.severity).toBe('Extreme')
    expect(alert.info.category).toBe('Met')
    expect(alert.info.onset).toBe('2024-07-01T08:00:00+08:00')
    expect(alert.info.area.polygon).toEqual(['30.87,120.08 30.9,120.12 30.85,120.15 30.87,120.08'])
    expect(alert.info.area.circle).toEqual(['30.88,120.1 5'])
    expect(alert.info.area.geocode.map((g: { value: string }) => g.value)).toEqual(['330502001000', '330502002000', '330502003000'])
    expect(alert.info.parameter).toEqual([{ valueName: '预警级别', value: '红色' }, { valueName: '事件类别', value: '自然灾害' }])
  })

  it('validates a drill as status Test', () => {
    const xml = buildCapXml(warning({ purpose: 'drill', level: 4, target: { ...emptyTarget(), regions: ['330502000000'] } }), { now })
    expectValid(xml)
    expect(parse(xml).status).toBe('Test')
  })

  it('validates an update, a cancel and an all-clear', () => {
    const endedAt = new Date('2024-07-01T03:00:00Z')
    for (const w of [
      warning({ revision: 2, level: 2, updatedAt: new Date('2024-07-01T01:00:00Z') }),
      warning({ status: 'cancelled', endedAt, endReason: '降雨减弱' }),
      warning({ status: 'ended', endedAt, endReason: '险情解除', expires: null }),
    ]) expectValid(buildCapXml(w, { now }))
  })

  it('validates and keeps hostile text intact', () => {
    const hostile = `<script>alert("x")</script> & 'quoted' ]]> 🌧️🚨 \u0001`
    const xml = buildCapXml(warning({ headline: hostile, description: hostile, instruction: hostile, areaDesc: hostile, senderName: hostile, eventType: hostile }), { now })
    expect(xml).not.toContain('<script>')
    expectValid(xml)
    const alert = parse(xml)
    expect(alert.info.headline).toBe(hostile.replace('\u0001', '').trim())
    expect(alert.info.area.areaDesc).toBe(hostile.replace('\u0001', '').trim())
  })

  it('fails the schema for a Z time, so the check really runs', () => {
    const xml = buildCapXml(warning(), { now }).replace(/<sent>[^<]+<\/sent>/, '<sent>2024-07-01T00:05:09Z</sent>')
    expect(validateCapXml(xml).valid).toBe(false)
  })
})
