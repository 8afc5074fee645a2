import { CONDITIONS, label, RESOURCE_KIND_KEYS, RESOURCE_KINDS, TEAM_LEVELS } from '../../../domain/resources/kinds.js'
import { ATTENTION_COUNTS, daysLeftText, freshPercent } from '../../../domain/rollup/report.js'
import type { Db } from '../../db/database.js'
import type { Scope } from '../../db/scope.js'
import { recordAudit, type Actor } from '../audit/record.js'
import { chinaToday } from '../ledgers/export.js'
import type { ReportCell, ReportSheet } from '../ledgers/report-workbook.js'
import { listAttention } from './attention.js'
import { listCompleteness } from './completeness.js'
import { rollupFreshness } from './freshness.js'
import { rollupResources, rollupSupplies } from './queries.js'
import type { AttentionQuery, CompletenessQuery, RegionHead, SupplyRollupQuery } from './schema.js'
import { rollupRegion } from './tree.js'

/**
 * The roll-up, completeness and expiry pages as workbooks, for a 通报 or an upward report: each
 * report is built from the very reply the page's JSON route gives for the same query (same
 * function, same scope), so the file holds exactly what the page shows — every row, where the page
 * pages through them — with the region and date in its title and the filters under it. Each
 * export is audited (`rollup.exported`) before the file leaves.
 */

export type Report = { fileName: string; fallbackName: string; sheets: ReportSheet[] }

type Context = { db: Db; scope: Scope; actor: Actor }

const OWN_LEVEL_NOTE = '“本级”为直接登记在该区划（而非其下级）的记录。'

function heading(region: RegionHead, what: string, filters: string[]): { title: string; subtitle: string; date: string } {
  const date = chinaToday()
  return {
    title: `${region.fullName}${what}（${date.written}）`,
    subtitle: `统计范围：${region.fullName}及下级区划　　统计日期：${date.written}${filters.length > 0 ? `　　筛选：${filters.join('；')}` : ''}`,
    date: date.compact,
  }
}

async function audited(c: Context, report: string, region: RegionHead, filters: Record<string, unknown>, rows: number): Promise<void> {
  await c.db.transaction().execute((trx) => recordAudit(trx, c.actor, {
    action: 'rollup.exported', entity: 'rollup', entityId: report, regionCode: region.code,
    after: { report, regionCode: region.code, regionName: region.fullName, filters, rows },
  }))
}

const reportedText = (own: boolean, reported: boolean) => (own ? null : reported ? '已上报' : '未上报')

/** 物资装备汇总: per child region and top class, by name, and quantities per unit. */
export async function supplyRollupReport(c: Context, query: SupplyRollupQuery): Promise<Report> {
  const { regionCode, ...filters } = query
  const data = await rollupSupplies(c.db, c.scope, regionCode, filters)
  const words: string[] = []
  if (filters.classCode !== undefined) {
    const cls = await c.db.selectFrom('supplyClass').select('name').where('code', '=', filters.classCode).executeTakeFirst()
    words.push(`物资分类 ${filters.classCode} ${cls?.name ?? ''}`.trim())
  }
  if (filters.isEquipment !== undefined) words.push(filters.isEquipment ? '只含装备' : '只含物资')
  if (filters.condition !== undefined) words.push(`状况：${label(CONDITIONS, filters.condition)}`)
  const h = heading(data.region, '物资装备汇总表', words)
  const classes = data.total.byTopClass
  const children: ReportSheet = {
    name: '按下级区划', title: h.title, subtitle: h.subtitle,
    columns: [
      { label: '区划', width: 20 }, { label: '条目', width: 10, numeric: true }, { label: '其中装备', width: 10, numeric: true },
      ...classes.map((t) => ({ label: t.className, width: 14, numeric: true })), { label: '上报', width: 10 },
    ],
    rows: data.children.map((ch) => [
      ch.name, ch.lines, ch.equipmentLines, ...classes.map((t) => ch.byTopClass.find((x) => x.classCode === t.classCode)?.lines ?? 0),
      reportedText(ch.code === data.region.code, ch.reported),
    ]),
    total: ['合计', data.total.lines, data.total.equipmentLines, ...classes.map((t) => t.lines), null],
    note: OWN_LEVEL_NOTE,
  }
  const byName: ReportSheet = {
    name: '按物资名称', title: h.title, subtitle: `${h.subtitle}　　按条目数排前 50 的物资名称，同名不同单位分列`,
    columns: [{ label: '物资名称', width: 24 }, { label: '计量单位', width: 10 }, { label: '数量合计', width: 14, numeric: true }, { label: '条目数', width: 10, numeric: true }],
    rows: data.byName.map((b) => [b.name, b.unit, b.quantity, b.lines]),
  }
  const byUnit: ReportSheet = {
    name: '按计量单位', title: h.title, subtitle: `${h.subtitle}　　不同计量单位的数量从不相加`,
    columns: [{ label: '计量单位', width: 12 }, { label: '数量', width: 16, numeric: true }],
    rows: data.total.quantityByUnit.map((q) => [q.unit, q.quantity]),
  }
  await audited(c, 'supplies', data.region, filters, data.children.length)
  return { fileName: `物资装备汇总表_${data.region.name}_${h.date}.xlsx`, fallbackName: `rollup-supplies-${data.region.code}.xlsx`, sheets: [children, byName, byUnit] }
}

/** 应急资源汇总: teams, experts, storage points, shelters, risk points and suppliers per child region. */
export async function resourceRollupReport(c: Context, regionCode: string | undefined): Promise<Report> {
  const data = await rollupResources(c.db, c.scope, regionCode)
  const h = heading(data.region, '应急资源汇总表', [])
  const figures = (f: typeof data.total): ReportCell[] => [
    ...RESOURCE_KIND_KEYS.map((k) => f.counts[k] ?? 0), f.teamHeadcount, f.shelterCapacity,
    f.riskPoints.general + f.riskPoints.major, f.riskPoints.major, f.stale,
  ]
  const sheet: ReportSheet = {
    name: '应急资源汇总', title: h.title, subtitle: h.subtitle,
    columns: [
      { label: '区划', width: 20 }, ...RESOURCE_KIND_KEYS.map((k) => ({ label: RESOURCE_KINDS[k], width: 12, numeric: true })),
      { label: '队伍人数', width: 10, numeric: true }, { label: '避难容量（人）', width: 12, numeric: true },
      { label: '隐患点（未销号）', width: 12, numeric: true }, { label: '其中重大', width: 10, numeric: true },
      { label: '待确认', width: 10, numeric: true }, { label: '上报', width: 10 },
    ],
    rows: data.children.map((ch) => [ch.name, ...figures(ch), reportedText(ch.code === data.region.code, ch.reported)]),
    total: ['合计', ...figures(data.total), null],
    note: OWN_LEVEL_NOTE,
  }
  await audited(c, 'resources', data.region, {}, data.children.length)
  return { fileName: `应急资源汇总表_${data.region.name}_${h.date}.xlsx`, fallbackName: `rollup-resources-${data.region.code}.xlsx`, sheets: [sheet] }
}

/** ✓ met, ✗ missing, — not counted yet or not applicable: the page's marks. */
const mark = (ok: boolean | null) => (ok === null ? '—' : ok ? '✓' : '✗')

/** 应排尽排: every township or village under the filters (all pages), indicator by indicator. */
export async function completenessReport(c: Context, query: Omit<CompletenessQuery, 'page' | 'pageSize'>): Promise<Report> {
  const region = await rollupRegion(c.db, c.scope, query.regionCode)
  const data = await listCompleteness(c.db, c.scope, { ...query, page: 1, pageSize: Number.MAX_SAFE_INTEGER })
  const level = query.level ?? (region.level === 'township' || region.level === 'village' ? 'village' : 'township')
  const words = [level === 'township' ? '乡镇（街道）' : '村（社区）', ...(query.onlyMissing ? ['只看有缺项的'] : [])]
  const h = heading(region, '应排尽排情况表', words)
  const indicators = data.items[0]?.indicators ?? []
  const sum = (pick: (r: (typeof data.items)[number]) => number) => data.items.reduce((n, r) => n + pick(r), 0)
  const sheet: ReportSheet = {
    name: '应排尽排', title: h.title, subtitle: h.subtitle,
    columns: [
      { label: level === 'township' ? '乡镇（街道）' : '村（社区）', width: 18 }, { label: '上级区划', width: 16 }, { label: '上报', width: 8 },
      ...indicators.map((i) => ({ label: i.label, width: 10 })),
      { label: '队伍人数', width: 10, numeric: true }, { label: '物资条目', width: 10, numeric: true }, { label: '信息员', width: 8, numeric: true },
      { label: '缺项', width: 40 },
    ],
    rows: data.items.map((r) => [
      r.name, r.parentName, r.reported ? '已上报' : '未上报',
      ...indicators.map((ind, i) => mark((r.indicators.find((x) => x.key === ind.key) ?? r.indicators[i])?.ok ?? null)),
      r.teamHeadcount, r.supplyLines, r.informants, r.missing.length > 0 ? r.missing.join('、') : '齐全',
    ]),
    // Indicator columns count the regions that meet them.
    total: [
      `合计（${data.total} 个）`, null, `已上报 ${sum((r) => (r.reported ? 1 : 0))}`,
      ...indicators.map((ind, i) => data.items.filter((r) => (r.indicators.find((x) => x.key === ind.key) ?? r.indicators[i])?.ok === true).length),
      sum((r) => r.teamHeadcount ?? 0), sum((r) => r.supplyLines), sum((r) => r.informants), `齐全 ${sum((r) => (r.missing.length === 0 ? 1 : 0))} 个`,
    ],
    note: `✓ 齐全；✗ 缺项；— 尚未纳入统计或不涉及。指标列的合计为达标的区划数。全部 ${data.summary.regions} 个区划中已上报 ${data.summary.reported} 个、齐全 ${data.summary.complete} 个。`,
  }
  const missing: ReportSheet = {
    name: '缺项分布', title: h.title, subtitle: h.subtitle,
    columns: [{ label: '缺项', width: 30 }, { label: '区划数', width: 10, numeric: true }],
    rows: data.summary.byMissing.map((m) => [m.label, m.count]),
  }
  await audited(c, 'completeness', region, { level, onlyMissing: query.onlyMissing ?? false }, data.total)
  return { fileName: `应排尽排情况表_${region.name}_${h.date}.xlsx`, fallbackName: `completeness-${region.code}.xlsx`, sheets: [sheet, missing] }
}

/** 到期与状态: the counts and the four lists the page shows. */
export async function attentionReport(c: Context, query: AttentionQuery): Promise<Report> {
  const region = await rollupRegion(c.db, c.scope, query.regionCode)
  const days = query.days ?? 30
  const data = await listAttention(c.db, c.scope, { ...query, days })
  const h = heading(region, '到期与状态情况表', [`提前 ${days} 天提醒`])
  const l = data.lists
  const sheets: ReportSheet[] = [
    {
      name: '概况', title: h.title, subtitle: h.subtitle,
      columns: [{ label: '事项', width: 26 }, { label: '数量', width: 10, numeric: true }],
      rows: ATTENTION_COUNTS.map((k) => [k.title, data.counts[k.key]]),
    },
    {
      name: '到期物资', title: h.title, subtitle: `${h.subtitle}　　已过期和即将到期的物资，最早到期的 20 条`,
      columns: [
        { label: '物资', width: 20 }, { label: '数量', width: 10, numeric: true }, { label: '单位', width: 8 },
        { label: '有效期至', width: 12 }, { label: '剩余', width: 14 }, { label: '区划', width: 24 },
      ],
      rows: l.expiring.map((r) => [r.name, r.quantity, r.unit, r.expiresOn, daysLeftText(r.daysLeft), r.regionName]),
    },
    {
      name: '保供协议到期', title: h.title, subtitle: `${h.subtitle}　　已到期和即将到期的保供协议，最早到期的 20 份`,
      columns: [
        { label: '协议物资', width: 18 }, { label: '保供单位', width: 22 }, { label: '截止日期', width: 12 },
        { label: '剩余', width: 14 }, { label: '区划', width: 24 },
      ],
      rows: l.agreementsEnding.map((r) => [r.itemName, r.supplierName, r.endsOn, daysLeftText(r.daysLeft), r.regionName]),
    },
    {
      name: '待修物资装备', title: h.title, subtitle: `${h.subtitle}　　待修的物资装备，最近更新的 20 条`,
      columns: [
        { label: '名称', width: 20 }, { label: '类别', width: 8 }, { label: '数量', width: 10, numeric: true },
        { label: '单位', width: 8 }, { label: '区划', width: 24 },
      ],
      rows: l.repair.map((r) => [r.name, r.isEquipment ? '装备' : '物资', r.quantity, r.unit, r.regionName]),
    },
    {
      name: '人数不足的队伍', title: h.title, subtitle: `${h.subtitle}　　乡镇队伍应不少于 30 人、村（社区）队伍应不少于 10 人，人数最少的 20 支`,
      columns: [
        { label: '队伍', width: 24 }, { label: '层级', width: 14 }, { label: '人数', width: 8, numeric: true },
        { label: '应不少于', width: 10, numeric: true }, { label: '区划', width: 24 },
      ],
      rows: l.teamsBelowMinimum.map((r) => [r.name, label(TEAM_LEVELS, r.level), r.headcount, r.minimum, r.regionName]),
    },
  ]
  const rows = l.expiring.length + l.agreementsEnding.length + l.repair.length + l.teamsBelowMinimum.length
  await audited(c, 'attention', region, { days }, rows)
  return { fileName: `到期与状态情况表_${region.name}_${h.date}.xlsx`, fallbackName: `attention-${region.code}.xlsx`, sheets }
}

/** 数据新鲜度: records and stale records per kind and per child region. */
export async function freshnessReport(c: Context, regionCode: string | undefined): Promise<Report> {
  const region = await rollupRegion(c.db, c.scope, regionCode)
  const data = await rollupFreshness(c.db, c.scope, regionCode)
  const h = heading(region, '数据更新情况表', [`更新期限 ${data.freshnessDays} 天`])
  const line = (name: string, records: number, stale: number): ReportCell[] => [name, records, stale, `${freshPercent(records, stale)}%`]
  const columns = (first: string) => [
    { label: first, width: 20 }, { label: '记录数', width: 10, numeric: true }, { label: '待确认', width: 10, numeric: true },
    { label: '已确认比例', width: 12, numeric: true },
  ]
  const note = `超过 ${data.freshnessDays} 天未确认（或从未确认）的记录为“待确认”。`
  const sheets: ReportSheet[] = [
    {
      name: '按类别', title: h.title, subtitle: h.subtitle, columns: columns('类别'),
      rows: data.byKind.map((k) => line(k.label, k.records, k.stale)), total: line('合计', data.total.records, data.total.stale), note,
    },
    {
      name: '按区划', title: h.title, subtitle: h.subtitle, columns: columns('区划'),
      rows: data.children.map((ch) => line(ch.name, ch.records, ch.stale)), total: line('合计', data.total.records, data.total.stale), note,
    },
  ]
  await audited(c, 'freshness', region, {}, data.byKind.length + data.children.length)
  return { fileName: `数据更新情况表_${region.name}_${h.date}.xlsx`, fallbackName: `freshness-${region.code}.xlsx`, sheets }
}
