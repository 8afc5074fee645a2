import { sql } from 'kysely'
import { jurisdictionPrefix } from '../../../domain/regions/code.js'
import type { GroupPosition, ResponsibilityRole, UnitKind } from '../../../domain/people/units.js'
import type { Db } from '../../db/database.js'
import { recordAudit, SYSTEM_ACTOR } from '../audit/record.js'
import { seededRandom, seedOf } from '../../../domain/seeded-random.js'

/**
 * Demo organisations and people for a fresh deployment: every unit and group is marked
 * "（演示）", every row `is_demo`, every person noted as not real. The same root always gives the
 * same data (seeded generator), so screenshots and walkthroughs stay stable.
 */

export type DemoRegion = { code: string; name: string; level: string; kind: string | null; fullName: string }

type PlannedUnit = { regionCode: string; name: string; kind: UnitKind; address: string; phone: string | null }
type PlannedPerson = {
  regionCode: string; unitName: string; name: string; post: string; mobile: string
  landline: string | null; wechat: string | null; roles: ResponsibilityRole[]
}
type PlannedMember = { mobile: string; position: GroupPosition; duty: string }
type PlannedGroup = {
  regionCode: string; name: string; officeUnitName: string; officeAddress: string; officePhone: string | null; members: PlannedMember[]
}
export type DemoPlan = { units: PlannedUnit[]; people: PlannedPerson[]; groups: PlannedGroup[] }
export type DemoCounts = { units: number; people: number; groups: number; members: number }

const DEMO = '（演示）'
/** The post of the township station member who keeps its store. */
export const KEEPER_POST = '物资保管员'
const NOTE = '演示数据，非真实人员'

// Area codes of the demo cities of the seed documents; elsewhere units get no landline.
const AREA_CODES: Record<string, string> = { '3305': '0572', '3210': '0514', '5202': '0858' }

const SURNAMES = [
  '沈', '钱', '姚', '吴', '陆', '潘', '费', '闵', '王', '李', '张', '刘', '陈', '杨', '黄', '赵', '周', '徐', '孙', '朱',
  '胡', '郭', '何', '高', '林', '罗', '郑', '梁', '谢', '宋', '唐', '许', '韩', '冯', '邓', '曹', '彭', '曾', '董', '袁',
  '蒋', '蔡', '余', '叶', '程', '魏', '丁', '金', '施', '俞', '严', '邱', '范', '方', '汪', '章', '顾', '倪', '戴', '茅',
]
const GIVEN_FIRST = '建国志明晓海春秋文伟立新卫东红丽美玉秀永德国华振兴家宏伟雪梅亚丽小燕'
const GIVEN_SECOND = '华明强军平东峰森芳英红敏娟霞静杰涛斌勇刚辉亮波宁伟燕琴萍兰珍'

/** 区 → 区长, 县 → 县长, 市 → 市长: the head of government takes the last character of the name. */
function headTitle(region: DemoRegion): string {
  return `${region.name.slice(-1)}长`
}

/** What a fresh deployment under `rootCode` gets, computed from the regions alone. */
export function planDemoDirectory(regions: readonly DemoRegion[], rootCode: string): DemoPlan {
  const random = seededRandom(seedOf(rootCode))
  const pick = (chars: string | readonly string[]) => chars[Math.floor(random() * chars.length)]
  const personName = () => pick(SURNAMES) + (random() < 0.25 ? pick(GIVEN_SECOND) : pick(GIVEN_FIRST) + pick(GIVEN_SECOND))
  const area = AREA_CODES[rootCode.slice(0, 4)]
  let phones = 0
  // 138 5720 0000 upwards: sequential, so every demo person has a distinct number to search for.
  const mobile = () => `138${57_200_000 + phones++}`
  let desks = 0
  const landline = () => (area ? `${area}-2${String(100_000 + desks++).slice(-6)}` : null)

  const plan: DemoPlan = { units: [], people: [], groups: [] }
  const unit = (region: DemoRegion, name: string, kind: UnitKind, withPhone = true): string => {
    plan.units.push({ regionCode: region.code, name, kind, address: `${region.fullName}（演示地址）`, phone: withPhone ? landline() : null })
    return name
  }
  const person = (region: DemoRegion, unitName: string, post: string, roles: ResponsibilityRole[], wechat = false): string => {
    const m = mobile()
    plan.people.push({
      regionCode: region.code, unitName, name: personName(), post, mobile: m, landline: null,
      wechat: wechat ? `demo_wx_${m.slice(-6)}` : null, roles,
    })
    return m
  }

  for (const region of regions) {
    if (region.level === 'province' || region.level === 'city' || region.level === 'county') {
      const head = headTitle(region)
      const bureauTitle = region.level === 'province' ? '应急管理厅' : '应急管理局'
      const government = unit(region, `${region.name}人民政府${DEMO}`, 'government')
      const bureau = unit(region, `${region.name}${bureauTitle}${DEMO}`, 'government')
      const members: PlannedMember[] = [
        { mobile: person(region, government, head, ['commander']), position: 'leader', duty: '全面领导本级应急管理工作' },
        { mobile: person(region, government, `常务副${head}`, ['deputy_commander']), position: 'deputy_leader', duty: '协助组长工作，分管应急管理' },
        { mobile: person(region, bureau, '局长', ['head']), position: 'office_director', duty: '主持领导小组办公室日常工作' },
        { mobile: person(region, bureau, '副局长', ['flood_control']), position: 'member', duty: '负责防汛防台、地质灾害防治' },
        { mobile: person(region, bureau, '办公室主任', ['liaison', 'duty_officer'], true), position: 'office_member', duty: '信息汇总、值班调度与联络' },
      ]
      person(region, bureau, '值班员', ['duty_officer'])
      for (const [title, duty] of [['水利局', '负责水旱灾害防御'], ['自然资源和规划局', '负责地质灾害防治'], ['卫生健康局', '负责医疗救治与卫生防疫']]) {
        const memberUnit = unit(region, `${region.name}${title}${DEMO}`, 'government')
        members.push({ mobile: person(region, memberUnit, '局长', ['head']), position: 'member', duty })
      }
      plan.groups.push({
        regionCode: region.code, name: `${region.name}应急管理领导小组${DEMO}`, officeUnitName: bureau,
        officeAddress: `${region.fullName}（演示地址）`, officePhone: landline(), members,
      })
    } else if (region.level === 'township') {
      const station = unit(region, `${region.name}应急管理站${DEMO}`, 'township_station')
      person(region, station, '站长', ['head', 'flood_control'])
      person(region, station, '副站长', ['liaison'], true)
      person(region, station, '信息员', ['informant'])
      // Keeps the station's store (resources/demo.ts makes them its 保管员), so that “whom to call
      // for the boats” has a different answer from “who is the liaison”.
      person(region, station, KEEPER_POST, ['informant'])
    } else {
      const community = region.kind === '居委会'
      const office = unit(region, `${region.name}${DEMO}`, 'village', false)
      person(region, office, community ? '社区党组织书记' : '村党组织书记', ['head', 'flood_control'])
      person(region, office, community ? '社区居委会委员' : '村委会委员', ['liaison', 'warning_receiver'], true)
      person(region, office, '网格长', ['grid_head'])
    }
  }
  return plan
}

const BATCH = 5000

function chunks<T>(rows: readonly T[]): T[][] {
  const out: T[][] = []
  for (let i = 0; i < rows.length; i += BATCH) out.push(rows.slice(i, i + BATCH))
  return out
}

/**
 * Writes the demo directory under `rootCode` in one transaction with one summary audit entry.
 * Rows go in as column arrays through unnest, a few statements for thousands of rows. Does
 * nothing when demo units already exist there.
 */
export async function seedDemoDirectory(db: Db, rootCode: string): Promise<DemoCounts> {
  const prefix = jurisdictionPrefix(rootCode)
  return db.transaction().execute(async (trx) => {
    const already = await trx.selectFrom('unit').select('id').where('isDemo', '=', true).where('regionCode', 'like', `${prefix}%`).limit(1).executeTakeFirst()
    if (already) return { units: 0, people: 0, groups: 0, members: 0 }
    const regions = await trx.selectFrom('region').select(['code', 'name', 'level', 'kind', 'fullName'])
      .where('code', 'like', `${prefix}%`).orderBy('code').execute()
    const plan = planDemoDirectory(regions, rootCode)

    const unitIds = new Map<string, number>()
    for (const rows of chunks(plan.units)) {
      const inserted = await sql<{ id: number; regionCode: string; name: string }>`
        insert into unit (region_code, name, kind, address, phone, is_demo)
        select *, true from unnest(
          ${rows.map((u) => u.regionCode)}::text[], ${rows.map((u) => u.name)}::text[], ${rows.map((u) => u.kind)}::text[],
          ${rows.map((u) => u.address)}::text[], ${rows.map((u) => u.phone)}::text[])
        returning id, region_code, name`.execute(trx)
      for (const u of inserted.rows) unitIds.set(`${u.regionCode}|${u.name}`, u.id)
    }

    const personIds = new Map<string, number>()
    for (const rows of chunks(plan.people)) {
      // Roles travel as comma-joined text: unnest flattens a two-dimensional array.
      const inserted = await sql<{ id: number; mobile: string }>`
        insert into person (region_code, unit_id, name, post, mobile, landline, wechat, roles, note, is_demo)
        select region_code, unit_id, name, post, mobile, landline, wechat, string_to_array(roles, ','), ${NOTE}, true
        from unnest(
          ${rows.map((p) => p.regionCode)}::text[], ${rows.map((p) => unitIds.get(`${p.regionCode}|${p.unitName}`) ?? null)}::bigint[],
          ${rows.map((p) => p.name)}::text[], ${rows.map((p) => p.post)}::text[], ${rows.map((p) => p.mobile)}::text[],
          ${rows.map((p) => p.landline)}::text[], ${rows.map((p) => p.wechat)}::text[], ${rows.map((p) => p.roles.join(','))}::text[]
        ) as t(region_code, unit_id, name, post, mobile, landline, wechat, roles)
        returning id, mobile`.execute(trx)
      // Demo mobiles are distinct, so they identify the rows just written.
      for (const p of inserted.rows) personIds.set(p.mobile, p.id)
    }

    const groups = plan.groups.length === 0 ? [] : await trx.insertInto('leadingGroup').values(plan.groups.map((g) => ({
      regionCode: g.regionCode, name: g.name, officeUnitId: unitIds.get(`${g.regionCode}|${g.officeUnitName}`) ?? null,
      officeAddress: g.officeAddress, officePhone: g.officePhone, isDemo: true,
    }))).returning(['id', 'regionCode', 'name']).execute()
    const groupIds = new Map(groups.map((g) => [`${g.regionCode}|${g.name}`, g.id]))
    const members = plan.groups.flatMap((g) => g.members.map((m, i) => ({
      groupId: groupIds.get(`${g.regionCode}|${g.name}`)!, personId: personIds.get(m.mobile)!, position: m.position, duty: m.duty, sort: i + 1,
    })))
    for (const rows of chunks(members)) await trx.insertInto('leadingGroupMember').values(rows).execute()

    const counts = { units: unitIds.size, people: personIds.size, groups: groups.length, members: members.length }
    await recordAudit(trx, SYSTEM_ACTOR, { action: 'demo.seeded', entity: 'directory', regionCode: rootCode, after: counts })
    return counts
  })
}
