import { jurisdictionPrefix } from '../../../domain/regions/code.js'
import type { Db } from '../../db/database.js'
import { recordAudit, SYSTEM_ACTOR } from '../audit/record.js'
import { KEEPER_POST } from '../directory/demo.js'
import { seededRandom, seedOf } from '../../../domain/seeded-random.js'
import { addDays } from '../../../domain/calendar.js'

/**
 * Demo resources for a fresh deployment, on top of the demo directory: teams, storage points,
 * shelters, risk points, suppliers with agreements and experts, all marked “（演示）” and
 * `is_demo`. The same root always gives the same records (seeded generator); dates are relative
 * to the day of seeding. Coordinates stay empty: nothing here knows where a village lies.
 */

export type DemoRegion = { code: string; name: string; level: string; parentCode: string | null; fullName: string }
/** Demo people of one region, by the responsibility they hold. */
export type DemoContacts = { head?: number; liaison?: number; flood?: number; gridHead?: number; keeper?: number }
export type DemoResourceCounts = {
  teams: number; experts: number; storagePoints: number; shelters: number; riskPoints: number; suppliers: number; agreements: number
}

const DEMO = '（演示）'
const NOTE = '演示数据，非真实人员'
const CONFIRMED_BY = '演示数据'

type Base = {
  kind: string; regionCode: string; name: string; responsiblePersonId: number | null; liaisonPersonId: number | null
  address: string; confirmedDaysAgo: number | null
}
type TeamRow = {
  level: string; teamType: string; specialities: string[]; headcount: number; leaderPersonId: number | null
  establishedOn: string; insured: boolean; insuranceUntil: string | null; equipmentSummary: string
}
type StorageRow = { storageKind: string; areaM2: number; volumeM3: number | null; keeperPersonId: number | null }
type ShelterRow = { gb21734Class: string | null; level: string; spaceType: string; effectiveAreaM2: number; capacity: number; facilities: string[] }
type RiskRow = { hazardType: string; level: string; state: string; monitorPersonId: number | null; measures: string; threatenedPeople: number }
type ExpertRow = { domain: string; groupCode: string; title: string; speciality: string; workUnit: string }
type SupplierRow = { creditCode: null; suppliesSummary: string }
type AgreementRow = {
  classCode: string; itemName: string; quantity: number; unit: string; startsOn: string; endsOn: string; responseHours: number
}
type ExpertPerson = { regionCode: string; name: string; post: string; mobile: string }

export type DemoResourcePlan = {
  teams: Array<{ base: Base; detail: TeamRow }>
  storage: Array<{ base: Base; detail: StorageRow }>
  shelters: Array<{ base: Base; detail: ShelterRow }>
  risks: Array<{ base: Base; detail: RiskRow }>
  experts: Array<{ base: Base; detail: ExpertRow; person: ExpertPerson }>
  suppliers: Array<{ base: Base; detail: SupplierRow; agreements: AgreementRow[] }>
}

const COUNTY_TEAMS = [
  { speciality: '防汛抗旱', equipment: '冲锋舟 4 艘、橡皮艇 6 艘、大流量排水泵 8 台、救生衣 200 件' },
  { speciality: '森林灭火', equipment: '风力灭火机 30 台、高压细水雾灭火机 10 台、油锯 12 台、对讲机 40 部' },
  { speciality: '水上搜救', equipment: '救援艇 3 艘、水下探测仪 2 台、潜水装具 10 套、救生圈 100 个' },
  { speciality: '地质灾害', equipment: '生命探测仪 2 台、破拆工具组 6 套、应急照明灯 20 台、无人机 2 架' },
]
const EXPERT_GROUPS = [
  { code: 'flood', domain: 'natural', title: '高级工程师', speciality: '水旱灾害防御', unit: '水利局' },
  { code: 'geo', domain: 'natural', title: '高级工程师', speciality: '地质灾害调查与防治', unit: '自然资源和规划局' },
  { code: 'forest_fire', domain: 'natural', title: '林业高级工程师', speciality: '森林火灾扑救', unit: '林业局' },
  { code: 'hazchem', domain: 'accident', title: '注册安全工程师', speciality: '危险化学品事故处置', unit: '应急管理局' },
  { code: 'medical', domain: 'health', title: '主任医师', speciality: '灾害医学救援', unit: '人民医院' },
  { code: 'road', domain: 'accident', title: '高级工程师', speciality: '道路交通事故救援', unit: '交通运输局' },
  { code: 'management', domain: 'general', title: '研究员', speciality: '应急预案与演练评估', unit: '应急管理局' },
]
const SUPERMARKETS = ['惠民', '联华', '万家', '华润']
const BUILDERS = ['顺达', '宏远', '恒信', '永固']
const HAZARDS = ['山洪', '地质灾害', '内涝'] as const
const SURNAMES = [...'沈钱姚吴陆潘费闵王李张刘陈杨黄赵周徐孙朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾董袁']
const GIVEN = [...'建国志明晓海春秋文伟立新卫东红丽美玉秀永德华振兴家宏雪梅亚燕强军平峰森芳英敏娟霞静杰涛斌勇刚辉亮波宁']

/** What a fresh deployment under `rootCode` gets, from its regions and demo contacts alone. */
export function planDemoResources(
  regions: readonly DemoRegion[], contacts: ReadonlyMap<string, DemoContacts>, rootCode: string, today: string,
): DemoResourcePlan {
  const random = seededRandom(seedOf(`${rootCode}:resources`))
  const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1))
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]
  const chance = (p: number) => random() < p
  // Most records were confirmed in the last few months; some long ago (stale), a few never.
  const confirmedDaysAgo = () => (chance(0.04) ? null : chance(0.13) ? between(200, 600) : between(1, 120))
  let phones = 0
  // 139 5720 0000 upwards, apart from the directory's 138 numbers.
  const mobile = () => `139${57_200_000 + phones++}`

  const plan: DemoResourcePlan = { teams: [], storage: [], shelters: [], risks: [], experts: [], suppliers: [] }
  const base = (kind: string, region: DemoRegion, name: string, responsible?: number, liaison?: number): Base => ({
    kind, regionCode: region.code, name, responsiblePersonId: responsible ?? null, liaisonPersonId: liaison ?? null,
    address: `${region.fullName}（演示地址）`, confirmedDaysAgo: confirmedDaysAgo(),
  })
  const insurance = (insuredShare: number) => {
    const insured = chance(insuredShare)
    // A few policies have run out, so the warning has something to show.
    return { insured, insuranceUntil: insured ? addDays(today, chance(0.08) ? -between(5, 90) : between(30, 360)) : null }
  }
  const villagesOf = new Map<string, DemoRegion[]>()
  for (const r of regions) {
    if (r.level === 'village' && r.parentCode) villagesOf.set(r.parentCode, [...(villagesOf.get(r.parentCode) ?? []), r])
  }

  let countyIndex = 0
  for (const region of regions) {
    const c = contacts.get(region.code) ?? {}
    if (region.level === 'city' || region.level === 'county') {
      const groups = region.level === 'city' ? EXPERT_GROUPS.slice(0, 6) : [pick(EXPERT_GROUPS), pick(EXPERT_GROUPS), pick(EXPERT_GROUPS)]
      for (const g of groups) {
        let name = pick(SURNAMES) + pick(GIVEN) + pick(GIVEN)
        // Record names are unique per region; so are the experts' names.
        while (plan.experts.some((e) => e.person.regionCode === region.code && e.person.name === name)) name = pick(SURNAMES) + pick(GIVEN) + pick(GIVEN)
        const person = { regionCode: region.code, name, post: g.title, mobile: mobile() }
        plan.experts.push({
          base: { ...base('expert', region, `${name}${DEMO}`), liaisonPersonId: c.liaison ?? null },
          detail: { domain: g.domain, groupCode: g.code, title: g.title, speciality: g.speciality, workUnit: `${region.name}${g.unit}${DEMO}` },
          person,
        })
      }
    }
    if (region.level === 'county') {
      const t = COUNTY_TEAMS[(countyIndex + between(0, 1)) % COUNTY_TEAMS.length]
      plan.teams.push({
        base: base('team', region, `${region.name}${t.speciality}应急救援队${DEMO}`, c.head, c.liaison),
        detail: {
          level: 'county', teamType: 'professional', specialities: [t.speciality], headcount: between(40, 80), leaderPersonId: c.flood ?? null,
          establishedOn: addDays(today, -between(700, 3000)), ...insurance(1), equipmentSummary: t.equipment,
        },
      })
      plan.storage.push({
        base: base('storage_point', region, `${region.name}应急物资储备库${DEMO}`, c.head, c.liaison),
        detail: { storageKind: 'warehouse', areaM2: between(8, 20) * 100, volumeM3: between(30, 80) * 100, keeperPersonId: c.liaison ?? null },
      })
      const supplierBase = (name: string) => base('supplier', region, name, c.flood, c.liaison)
      const agreement = (classCode: string, itemName: string, quantity: number, unit: string, endsIn: number): AgreementRow => ({
        classCode, itemName, quantity, unit, startsOn: addDays(today, endsIn - 365), endsOn: addDays(today, endsIn), responseHours: between(2, 12),
      })
      // Every other county has an agreement running out within 30 days; the last one an ended one.
      const firstEnds = countyIndex % 2 === 0 ? between(3, 28) : between(60, 300)
      plan.suppliers.push({
        base: supplierBase(`${region.name}${pick(SUPERMARKETS)}超市${DEMO}`),
        detail: { creditCode: null, suppliesSummary: '方便面、饮用水、大米、食用油等基本生活物资' },
        agreements: [
          agreement('1000000', '方便面', between(3, 10) * 100, '箱', firstEnds),
          agreement('1000000', '瓶装饮用水', between(5, 20) * 100, '箱', between(90, 360)),
        ],
      })
      plan.suppliers.push({
        base: supplierBase(`${region.name}${pick(BUILDERS)}建材有限公司${DEMO}`),
        detail: { creditCode: null, suppliesSummary: '编织袋、土工布、钢管、砂石等抢险物资' },
        agreements: [
          agreement('3000000', '编织袋', between(10, 50) * 1000, '条', chance(0.3) ? -between(5, 40) : between(60, 360)),
          agreement('3000000', '土工布', between(10, 40) * 100, '平方米', between(90, 360)),
        ],
      })
      countyIndex++
    } else if (region.level === 'township') {
      // A few townships fall short of the 30 people seed 001 asks for.
      plan.teams.push({
        base: base('team', region, `${region.name}综合应急救援队${DEMO}`, c.head, c.liaison),
        detail: {
          level: 'township', teamType: 'grassroots', specialities: ['综合', '防汛抗旱'], headcount: chance(0.15) ? between(16, 29) : between(30, 52),
          leaderPersonId: c.head ?? null, establishedOn: addDays(today, -between(365, 2500)), ...insurance(0.9),
          equipmentSummary: '橡皮艇 1 艘、抽水泵 2 台、发电机 1 台、救生衣 50 件、铁锹 40 把',
        },
      })
      plan.storage.push({
        base: base('storage_point', region, `${region.name}应急物资储备点${DEMO}`, c.head, c.liaison),
        detail: { storageKind: 'point', areaM2: between(6, 20) * 10, volumeM3: null, keeperPersonId: c.keeper ?? c.liaison ?? null },
      })
      const indoor = chance(0.5)
      const area = indoor ? between(6, 20) * 100 : between(20, 80) * 100
      plan.shelters.push({
        base: base('shelter', region, `${region.name}${indoor ? '中心学校体育馆' : '文体广场'}应急避难场所${DEMO}`, c.head, c.liaison),
        detail: {
          gb21734Class: indoor ? null : 'III', level: 'township', spaceType: indoor ? 'indoor' : 'outdoor', effectiveAreaM2: area,
          capacity: Math.floor(area / between(2, 4)), facilities: indoor ? ['供水', '供电', '厕所', '应急照明', '医疗救护点'] : ['供水', '供电', '厕所', '应急照明'],
        },
      })
      const villages = villagesOf.get(region.code) ?? []
      if (villages.length > 0 && chance(0.45)) {
        const village = pick(villages)
        const v = contacts.get(village.code) ?? {}
        const hazards = chance(0.3) ? [HAZARDS[between(0, 2)], HAZARDS[between(0, 2)]] : [pick(HAZARDS)]
        for (const hazard of new Set(hazards)) {
          plan.risks.push({
            base: base('risk_point', village, `${village.name}${hazard}隐患点${DEMO}`, v.head, v.liaison),
            detail: {
              hazardType: hazard, level: chance(0.1) ? 'major' : 'general', state: chance(0.2) ? 'rectifying' : 'monitoring',
              monitorPersonId: v.gridHead ?? null, measures: '汛期加密巡查，强降雨前提前转移受威胁群众', threatenedPeople: between(5, 120),
            },
          })
        }
      }
    } else if (region.level === 'village' && chance(0.7)) {
      plan.teams.push({
        base: base('team', region, `${region.name}应急救援队${DEMO}`, c.head, c.liaison),
        detail: {
          level: 'village', teamType: 'grassroots', specialities: ['综合'], headcount: chance(0.15) ? between(5, 9) : between(10, 24),
          leaderPersonId: c.head ?? null, establishedOn: addDays(today, -between(200, 2000)), ...insurance(0.75),
          equipmentSummary: '救生衣 10 件、铁锹 10 把、应急灯 4 盏、铜锣 1 面',
        },
      })
      plan.storage.push({
        base: base('storage_point', region, `${region.name}应急物资储备点${DEMO}`, c.head, c.liaison),
        detail: { storageKind: 'point', areaM2: between(1, 6) * 10, volumeM3: null, keeperPersonId: c.liaison ?? null },
      })
    }
  }
  return plan
}

const BATCH = 2000

function chunks<T>(rows: readonly T[]): T[][] {
  const out: T[][] = []
  for (let i = 0; i < rows.length; i += BATCH) out.push(rows.slice(i, i + BATCH))
  return out
}

const keyOf = (b: { kind: string; regionCode: string; name: string }) => `${b.kind}|${b.regionCode}|${b.name}`

/** The first demo person of each region holding each responsibility. */
async function demoContacts(db: Db, prefix: string): Promise<Map<string, DemoContacts>> {
  const people = await db.selectFrom('person').select(['id', 'regionCode', 'roles', 'post'])
    .where('isDemo', '=', true).where('regionCode', 'like', `${prefix}%`).orderBy('id').execute()
  const out = new Map<string, DemoContacts>()
  for (const p of people) {
    const c = out.get(p.regionCode) ?? {}
    if (p.roles.includes('head')) c.head ??= p.id
    if (p.roles.includes('liaison')) c.liaison ??= p.id
    if (p.roles.includes('flood_control')) c.flood ??= p.id
    if (p.roles.includes('grid_head')) c.gridHead ??= p.id
    if (p.post === KEEPER_POST) c.keeper ??= p.id
    out.set(p.regionCode, c)
  }
  return out
}

/**
 * Writes the demo resources under `rootCode` in one transaction, in a few batched statements,
 * with one summary audit entry. Run after the demo directory, whose people it names as
 * responsible and liaison. Does nothing when demo resources already exist there.
 */
export async function seedDemoResources(db: Db, rootCode: string): Promise<DemoResourceCounts> {
  const prefix = jurisdictionPrefix(rootCode)
  return db.transaction().execute(async (trx) => {
    const none = { teams: 0, experts: 0, storagePoints: 0, shelters: 0, riskPoints: 0, suppliers: 0, agreements: 0 }
    const already = await trx.selectFrom('resource').select('id').where('isDemo', '=', true).where('regionCode', 'like', `${prefix}%`).limit(1).executeTakeFirst()
    if (already) return none
    const regions = await trx.selectFrom('region').select(['code', 'name', 'level', 'parentCode', 'fullName'])
      .where('code', 'like', `${prefix}%`).orderBy('code').execute()
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10) // the date in China
    const plan = planDemoResources(regions, await demoContacts(trx, prefix), rootCode, today)

    // Experts are people: their own directory entries carry the phone numbers.
    const expertIds = new Map<string, number>()
    for (const rows of chunks(plan.experts)) {
      const inserted = await trx.insertInto('person').values(rows.map(({ person: p }) => ({
        regionCode: p.regionCode, name: p.name, post: p.post, mobile: p.mobile, roles: ['expert'], note: NOTE, isDemo: true,
      }))).returning(['id', 'mobile']).execute()
      for (const p of inserted) expertIds.set(p.mobile!, p.id)
    }
    for (const e of plan.experts) e.base.responsiblePersonId = expertIds.get(e.person.mobile) ?? null

    const all = [...plan.teams, ...plan.storage, ...plan.shelters, ...plan.risks, ...plan.experts, ...plan.suppliers].map((r) => r.base)
    const now = Date.now()
    const ids = new Map<string, number>()
    for (const rows of chunks(all)) {
      const inserted = await trx.insertInto('resource').values(rows.map(({ confirmedDaysAgo, ...b }) => ({
        ...b,
        confirmedAt: confirmedDaysAgo === null ? null : new Date(now - confirmedDaysAgo * 86_400_000),
        confirmedByName: confirmedDaysAgo === null ? null : CONFIRMED_BY,
        isDemo: true,
      }))).returning(['id', 'kind', 'regionCode', 'name']).execute()
      // Demo names are distinct per kind and region, so they identify the rows just written.
      for (const r of inserted) ids.set(keyOf(r), r.id)
    }
    const idOf = (b: Base) => ids.get(keyOf(b))!

    for (const rows of chunks(plan.teams)) await trx.insertInto('team').values(rows.map((t) => ({ resourceId: idOf(t.base), ...t.detail }))).execute()
    for (const rows of chunks(plan.storage)) await trx.insertInto('storagePoint').values(rows.map((s) => ({ resourceId: idOf(s.base), ...s.detail }))).execute()
    for (const rows of chunks(plan.shelters)) await trx.insertInto('shelter').values(rows.map((s) => ({ resourceId: idOf(s.base), ...s.detail }))).execute()
    for (const rows of chunks(plan.risks)) await trx.insertInto('riskPoint').values(rows.map((k) => ({ resourceId: idOf(k.base), ...k.detail }))).execute()
    for (const rows of chunks(plan.experts)) await trx.insertInto('expert').values(rows.map((e) => ({ resourceId: idOf(e.base), ...e.detail }))).execute()
    for (const rows of chunks(plan.suppliers)) await trx.insertInto('supplier').values(rows.map((s) => ({ resourceId: idOf(s.base), ...s.detail }))).execute()
    const agreements = plan.suppliers.flatMap((s) => s.agreements.map((a) => ({ supplierId: idOf(s.base), regionCode: s.base.regionCode, ...a })))
    for (const rows of chunks(agreements)) await trx.insertInto('supplyAgreement').values(rows).execute()

    const counts: DemoResourceCounts = {
      teams: plan.teams.length, experts: plan.experts.length, storagePoints: plan.storage.length, shelters: plan.shelters.length,
      riskPoints: plan.risks.length, suppliers: plan.suppliers.length, agreements: agreements.length,
    }
    await recordAudit(trx, SYSTEM_ACTOR, { action: 'demo.seeded', entity: 'resources', regionCode: rootCode, after: counts })
    return counts
  })
}
