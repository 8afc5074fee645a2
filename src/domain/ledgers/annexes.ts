import { CONDITIONS, RESERVE_FORMS, TEAM_LEVELS, TEAM_TYPES } from '../resources/kinds.js'
import { tableLedgers } from './tables.js'

/**
 * The ledgers (台账) of seed 000 (湖州市应急资源排摸方案), annexes 2–7, as offices lay them out
 * in Excel: which columns, under which two-row headers, with the other names people give the
 * same column. Imports recognise a column by any of its labels; exports and templates write the
 * first one. Pure data, shared by the server (reading, writing) and the web (templates, help).
 */

export type LedgerCellType = 'text' | 'integer' | 'number' | 'quantity' | 'mobile' | 'phone' | 'date' | 'region' | 'enum'

export type AnnexColumn = {
  key: string
  /** Header text; the first is written on export, all are recognised on import. */
  labels: string[]
  /** The merged header above a group of columns (负责人 over 姓名, 职务, 手机), first written. */
  parent?: string[]
  required?: boolean
  type: LedgerCellType
  /** Stored key → the words that mean it; the first word is written on export. */
  enumLabels?: Record<string, string[]>
  /** Blank cells repeat the value above (towns written once over a merged block). */
  fillDown?: boolean
  /** Column width on export, in characters. */
  width: number
  /** Summed in the 合计 row of an export. */
  total?: boolean
}

/** What the rows of an annex become. */
export type AnnexEntity = 'team' | 'supply' | 'person' | 'expert' | 'shelter' | 'riskPoint' | 'storagePoint' | 'supplier' | 'leadingGroup'

/** Annexes 2–7 of seed 000, then the other tables offices keep (tables.ts), annex 1 among them. */
export const ANNEX_KEYS = ['annex2', 'annex3', 'annex4', 'annex5', 'annex6', 'annex7', 'experts', 'shelters', 'risks', 'storage', 'suppliers', 'annex1'] as const
export type AnnexKey = (typeof ANNEX_KEYS)[number]

export type Annex = {
  key: AnnexKey
  /** 附件 number in seed 000; the tables it does not number have none. */
  number?: number
  title: string
  entity: AnnexEntity
  columns: AnnexColumn[]
}

export const ENTITY_LABELS: Record<AnnexEntity, string> = {
  team: '应急救援队伍', supply: '应急物资装备', person: '负责人及联络人', expert: '应急专家', shelter: '应急避难场所',
  riskPoint: '风险隐患点', storagePoint: '储备点/储备库', supplier: '保供单位', leadingGroup: '领导小组',
}

/** Stored keys with their label from kinds.ts first, then the words ledgers use for them. */
const TEAM_TYPE_WORDS: Record<string, string[]> = {
  fire_rescue: [TEAM_TYPES.fire_rescue, '综合性消防救援队伍', '消防救援队伍', '消防救援', '消防队', '消防'],
  professional: [TEAM_TYPES.professional, '专业救援队伍', '专业队伍', '专业队', '专业'],
  volunteer: [TEAM_TYPES.volunteer, '志愿者救援队伍', '志愿者队伍', '志愿队', '志愿者', '志愿'],
  grassroots: [TEAM_TYPES.grassroots, '基层救援队伍', '基层队伍', '综合应急救援队伍', '综合救援队', '基层', '综合'],
  unit: [TEAM_TYPES.unit, '单位专职队伍', '单位兼职队伍', '企业专职队伍', '专职队伍', '兼职队伍', '专职', '兼职'],
  social: [TEAM_TYPES.social, '社会救援力量', '社会救援队伍', '民间救援队', '社会力量'],
}

const TEAM_LEVEL_WORDS: Record<string, string[]> = {
  city: [TEAM_LEVELS.city, '市本级', '市'],
  county: [TEAM_LEVELS.county, '区县级', '县（区）级', '县（市、区）级', '区级', '县'],
  township: [TEAM_LEVELS.township, '乡镇级', '街道级', '镇级', '乡级', '乡镇'],
  village: [TEAM_LEVELS.village, '村级', '社区级', '村'],
  enterprise: [TEAM_LEVELS.enterprise, '企业级', '企业队伍'],
  social: [TEAM_LEVELS.social, '社会'],
  volunteer: [TEAM_LEVELS.volunteer, '志愿'],
}

const RESERVE_FORM_WORDS: Record<string, string[]> = {
  physical: [RESERVE_FORMS.physical, '实物', '自储', '自有'],
  agreement: [RESERVE_FORMS.agreement, '协议', '商业储备', '合同储备', '委托储备'],
  capacity: [RESERVE_FORMS.capacity, '产能', '生产能力储备'],
}

const CONDITION_WORDS: Record<string, string[]> = {
  good: [CONDITIONS.good, '良好', '正常', '在用', '可用', '好'],
  repair: [CONDITIONS.repair, '需维修', '待维修', '维修', '损坏', '破损', '故障'],
  scrapped: [CONDITIONS.scrapped, '已报废', '停用'],
}

// Columns several annexes share.
const seq: AnnexColumn = { key: 'seq', labels: ['序号', '编号', '序'], type: 'integer', width: 6 }
const note: AnnexColumn = { key: 'note', labels: ['备注', '说明'], type: 'text', width: 16 }
const county: AnnexColumn = { key: 'county', labels: ['区县', '县（市、区）', '县（区）', '县区', '区、县', '所属区县'], type: 'region', fillDown: true, width: 10 }
const township: AnnexColumn = {
  key: 'township', labels: ['乡镇（街道）', '乡镇街道', '乡镇', '街道', '镇街', '镇（街道）', '所属乡镇'], type: 'region', fillDown: true, width: 14,
}
const village: AnnexColumn = { key: 'village', labels: ['村（社区）', '村社区', '村', '社区', '村居', '行政村'], type: 'region', width: 14 }
const spec: AnnexColumn = { key: 'specification', labels: ['规格型号', '规格', '型号', '规格/型号'], type: 'text', width: 14 }
const unit: AnnexColumn = { key: 'unit', labels: ['单位', '计量单位', '计量'], type: 'text', width: 6 }
const quantity: AnnexColumn = { key: 'quantity', labels: ['数量', '库存数量', '储备数量', '现有数量', '数量（单位）'], type: 'quantity', required: true, width: 10, total: true }
const place: AnnexColumn = { key: 'storagePlace', labels: ['存放地点', '存放位置', '储存地点', '存放点', '储备地点', '存放场所'], type: 'text', width: 18 }
const condition: AnnexColumn = { key: 'condition', labels: ['状态', '物资状态', '完好情况', '现状', '装备状态'], type: 'enum', enumLabels: CONDITION_WORDS, width: 8 }
const keeper: AnnexColumn = { key: 'keeperName', labels: ['负责人', '管理人', '保管人', '责任人'], type: 'text', width: 10 }
const keeperPhone: AnnexColumn = { key: 'keeperPhone', labels: ['联系电话', '电话', '联系方式', '手机', '手机号码'], type: 'phone', width: 15 }

const HEAD = ['负责人', '主要负责人', '责任人']
const LIAISON = ['联络人', '联络员', '信息员', '联系人']

export const ANNEXES: readonly Annex[] = [
  {
    key: 'annex2', number: 2, title: '应急救援队伍汇总', entity: 'team',
    columns: [
      seq, county, township,
      { key: 'name', labels: ['队伍名称', '救援队伍名称', '名称'], type: 'text', required: true, width: 24 },
      { key: 'teamType', labels: ['队伍类型', '类型', '队伍性质'], type: 'enum', enumLabels: TEAM_TYPE_WORDS, width: 16 },
      { key: 'level', labels: ['队伍级别', '级别', '层级'], type: 'enum', enumLabels: TEAM_LEVEL_WORDS, width: 12 },
      { key: 'specialities', labels: ['专业类别', '专业', '救援专业', '专长'], type: 'text', width: 14 },
      { key: 'headcount', labels: ['人数', '队伍人数', '队员人数', '人数（人）'], type: 'integer', width: 8, total: true },
      { key: 'leaderName', labels: ['姓名'], parent: HEAD, type: 'text', width: 10 },
      { key: 'leaderPost', labels: ['职务'], parent: HEAD, type: 'text', width: 12 },
      { key: 'leaderPhone', labels: ['联系电话', '电话', '手机', '联系方式'], parent: HEAD, type: 'phone', width: 15 },
      { key: 'liaisonName', labels: ['姓名'], parent: LIAISON, type: 'text', width: 10 },
      { key: 'liaisonPhone', labels: ['联系电话', '电话', '手机', '联系方式'], parent: LIAISON, type: 'phone', width: 15 },
      { key: 'address', labels: ['驻地', '驻地地址', '地址', '队伍驻地'], type: 'text', width: 20 },
      note,
    ],
  },
  {
    key: 'annex3', number: 3, title: '应急救援队伍主要装备、物资明细表', entity: 'supply',
    columns: [
      seq,
      { key: 'teamName', labels: ['队伍名称', '所属队伍', '救援队伍'], type: 'text', required: true, fillDown: true, width: 22 },
      { key: 'name', labels: ['装备物资名称', '装备名称', '物资名称', '名称', '装备（物资）名称'], type: 'text', required: true, width: 20 },
      spec, unit, quantity, place, condition, keeper, keeperPhone, note,
    ],
  },
  {
    key: 'annex4', number: 4, title: '乡镇（企业）应急救援装备和物资储备明细表', entity: 'supply',
    columns: [
      seq,
      {
        key: 'holder', labels: ['乡镇（街道）/企业', '乡镇（街道）、企业', '乡镇/企业', '乡镇（企业）', '乡镇（街道）', '乡镇', '企业', '单位名称', '储备单位'],
        type: 'text', fillDown: true, width: 18,
      },
      { key: 'name', labels: ['物资名称', '物资装备名称', '装备物资名称', '名称', '品名'], type: 'text', required: true, width: 20 },
      spec, unit, quantity, place,
      { key: 'reserveForm', labels: ['储备方式', '储备形式', '储备类型'], type: 'enum', enumLabels: RESERVE_FORM_WORDS, width: 10 },
      condition,
      { key: 'purchasedOn', labels: ['购置日期', '购置时间', '采购日期', '购买日期'], type: 'date', width: 12 },
      { key: 'expiresOn', labels: ['有效期至', '有效期', '保质期至', '失效日期'], type: 'date', width: 12 },
      keeper, keeperPhone, note,
    ],
  },
  {
    key: 'annex5', number: 5, title: '乡镇（街道）应急相关负责人及联络人员名单', entity: 'person',
    columns: [
      seq, county, { ...township, required: true },
      { key: 'headName', labels: ['姓名'], parent: HEAD, type: 'text', width: 10 },
      { key: 'headPost', labels: ['职务'], parent: HEAD, type: 'text', width: 14 },
      { key: 'headMobile', labels: ['手机', '手机号码', '移动电话', '联系电话'], parent: HEAD, type: 'mobile', width: 14 },
      { key: 'headLandline', labels: ['座机', '固定电话', '办公电话', '固话'], parent: HEAD, type: 'phone', width: 15 },
      { key: 'liaisonName', labels: ['姓名'], parent: LIAISON, type: 'text', width: 10 },
      { key: 'liaisonPost', labels: ['职务'], parent: LIAISON, type: 'text', width: 14 },
      { key: 'liaisonMobile', labels: ['手机', '手机号码', '移动电话', '联系电话'], parent: LIAISON, type: 'mobile', width: 14 },
      { key: 'liaisonLandline', labels: ['座机', '固定电话', '办公电话', '固话'], parent: LIAISON, type: 'phone', width: 15 },
      { key: 'liaisonWechat', labels: ['微信号', '微信'], parent: LIAISON, type: 'text', width: 14 },
      note,
    ],
  },
  {
    key: 'annex6', number: 6, title: '村（社区）应急相关负责人及联络人员名单', entity: 'person',
    columns: [
      seq, township, { ...village, required: true },
      { key: 'headName', labels: ['姓名'], parent: HEAD, type: 'text', width: 10 },
      { key: 'headPost', labels: ['职务'], parent: HEAD, type: 'text', width: 14 },
      { key: 'headMobile', labels: ['手机', '手机号码', '移动电话', '联系电话'], parent: HEAD, type: 'mobile', width: 14 },
      { key: 'liaisonName', labels: ['姓名'], parent: LIAISON, type: 'text', width: 10 },
      { key: 'liaisonPost', labels: ['职务'], parent: LIAISON, type: 'text', width: 14 },
      { key: 'liaisonMobile', labels: ['手机', '手机号码', '移动电话', '联系电话'], parent: LIAISON, type: 'mobile', width: 14 },
      { key: 'liaisonWechat', labels: ['微信号', '微信'], parent: LIAISON, type: 'text', width: 14 },
      note,
    ],
  },
  {
    key: 'annex7', number: 7, title: '村（社区）应急救援装备和物资储备明细表', entity: 'supply',
    columns: [
      seq, township, { ...village, required: true, fillDown: true },
      { key: 'name', labels: ['物资装备名称', '装备物资名称', '物资名称', '装备名称', '名称', '品名'], type: 'text', required: true, width: 20 },
      spec, unit, quantity, place, condition, keeper, keeperPhone, note,
    ],
  },
  ...tableLedgers({ seq, note, county, township, village }),
]

export function annexByKey(key: string): Annex | undefined {
  return ANNEXES.find((a) => a.key === key)
}

/** "附件4 乡镇（企业）应急救援装备和物资储备明细表"; a table without a number by its title alone. */
export function annexFullTitle(annex: Annex): string {
  return annex.number === undefined ? annex.title : `附件${annex.number} ${annex.title}`
}

/** What names the annex in file and sheet names: "附件4", or the title of an unnumbered table. */
export function annexShortName(annex: Annex): string {
  return annex.number === undefined ? annex.title : `附件${annex.number}`
}

/** The start of an export's file name: "附件4_乡镇（企业）…" or "应急专家信息表". */
export function annexFileStem(annex: Annex): string {
  return annex.number === undefined ? annex.title : `附件${annex.number}_${annex.title}`
}

/** The label a stored enum key is written as (the first word), or the key itself if unknown. */
export function enumLabel(column: AnnexColumn, key: string | null | undefined): string {
  if (key == null) return ''
  return column.enumLabels?.[key]?.[0] ?? key
}

