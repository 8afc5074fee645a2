import { GROUP_POSITIONS } from '../people/units.js'
import {
  EXPERT_DOMAINS, GENDERS, HAZARD_TYPES, RISK_LEVELS, RISK_STATES, SHELTER_CLASSES, SHELTER_LEVELS, SHELTER_SPACES, STORAGE_KINDS,
} from '../resources/kinds.js'
import type { Annex, AnnexColumn } from './annexes.js'

/**
 * The other tables offices keep in Excel besides annexes 2–7: 应急专家信息表, 应急避难场所,
 * 风险隐患点, 储备点/仓库, 保供单位及协议, and the 领导小组 of annex 1. Same shape as the annexes
 * (columns, labels recognised on import, the first written on export, merged parent headers,
 * enum words), so one reader, one preview and one workbook writer serve them all.
 *
 * Built by a function of the columns annexes.ts shares (序号, 区县, 乡镇, 村, 备注), so the
 * region columns read the same words in every ledger and the two files need no cycle.
 */

export type SharedColumns = { seq: AnnexColumn; note: AnnexColumn; county: AnnexColumn; township: AnnexColumn; village: AnnexColumn }

/** Stored key → its label first, then what ledgers write for it. */
const EXPERT_DOMAIN_WORDS: Record<string, string[]> = {
  accident: [EXPERT_DOMAINS.accident, '事故灾难类', '事故灾害', '安全生产', '事故'],
  natural: [EXPERT_DOMAINS.natural, '自然灾害类', '自然'],
  health: [EXPERT_DOMAINS.health, '公共卫生类', '公共卫生事件', '卫生'],
  security: [EXPERT_DOMAINS.security, '社会安全类', '社会安全事件'],
  general: [EXPERT_DOMAINS.general, '综合管理类', '综合', '应急管理'],
}

const GENDER_WORDS: Record<string, string[]> = { male: [GENDERS.male, '男性'], female: [GENDERS.female, '女性'] }

const SHELTER_SPACE_WORDS: Record<string, string[]> = {
  indoor: [SHELTER_SPACES.indoor, '室内', '场所型', '室内场所', '室内型'],
  outdoor: [SHELTER_SPACES.outdoor, '室外', '场地型', '室外场地', '室外型', '露天'],
}

// Planning documents grade shelters 中心 / 固定 / 紧急 by length of stay, which is what the
// GB 21734 classes measure.
const SHELTER_CLASS_WORDS: Record<string, string[]> = {
  I: [SHELTER_CLASSES.I, 'Ⅰ类', 'I类', '一类', '中心避难场所', '中心'],
  II: [SHELTER_CLASSES.II, 'Ⅱ类', 'II类', '二类', '固定避难场所', '固定'],
  III: [SHELTER_CLASSES.III, 'Ⅲ类', 'III类', '三类', '紧急避难场所', '紧急'],
}

const SHELTER_LEVEL_WORDS: Record<string, string[]> = {
  province: [SHELTER_LEVELS.province, '省'],
  city: [SHELTER_LEVELS.city, '市'],
  county: [SHELTER_LEVELS.county, '区县级', '县（区）级', '县（市、区）级', '区级', '县'],
  township: [SHELTER_LEVELS.township, '乡镇级', '街道级', '镇级', '乡镇'],
  village: [SHELTER_LEVELS.village, '村级', '社区级', '村'],
}

/** Hazard types are stored as their own words; these are the words surveys use beside them. */
const HAZARD_WORDS: Record<string, string[]> = {
  ...Object.fromEntries(HAZARD_TYPES.map((h) => [h, [h]])),
  地质灾害: ['地质灾害', '地质灾害隐患点', '滑坡', '崩塌', '泥石流', '地面塌陷', '地质'],
  山洪: ['山洪', '山洪灾害', '山洪沟'],
  内涝: ['内涝', '城市内涝', '积水点', '易涝点', '低洼易涝'],
  河道堤防: ['河道堤防', '堤防', '河道', '海塘'],
  水库山塘: ['水库山塘', '水库', '山塘', '山塘水库'],
  森林火险: ['森林火险', '森林火灾', '森林防火', '林区'],
  危化品: ['危化品', '危险化学品', '危化'],
  城镇燃气: ['城镇燃气', '燃气', '燃气管道'],
  人员密集场所: ['人员密集场所', '人员密集'],
}

const RISK_LEVEL_WORDS: Record<string, string[]> = {
  general: [RISK_LEVELS.general, '一般隐患', '一般风险'],
  major: [RISK_LEVELS.major, '重大隐患', '重大风险'],
}

const RISK_STATE_WORDS: Record<string, string[]> = {
  monitoring: [RISK_STATES.monitoring, '监测', '在监测', '未销号', '监控中'],
  rectifying: [RISK_STATES.rectifying, '整改中', '治理中', '整治'],
  eliminated: [RISK_STATES.eliminated, '销号', '已整治', '已消除', '已治理'],
}

const STORAGE_KIND_WORDS: Record<string, string[]> = {
  warehouse: [STORAGE_KINDS.warehouse, '仓库', '物资库', '储备仓库', '物资储备库', '储备中心', '物资储备中心'],
  point: [STORAGE_KINDS.point, '物资储备点', '存放点', '储存点'],
  forward: [STORAGE_KINDS.forward, '前置点', '前置储备点', '前置仓库'],
}

const GROUP_POSITION_WORDS: Record<string, string[]> = {
  leader: [GROUP_POSITIONS.leader, '总指挥', '指挥长'],
  deputy_leader: [GROUP_POSITIONS.deputy_leader, '常务副组长', '副总指挥', '副指挥长'],
  member: [GROUP_POSITIONS.member, '组员', '成员单位'],
  office_director: [GROUP_POSITIONS.office_director, '办公室副主任'],
  office_member: [GROUP_POSITIONS.office_member, '办公室工作人员', '联络员'],
}

const PHONE_LABELS = ['联系电话', '电话', '手机', '联系方式', '手机号码']
const lng: AnnexColumn = { key: 'lng', labels: ['经度', '东经'], type: 'number', width: 12 }
const lat: AnnexColumn = { key: 'lat', labels: ['纬度', '北纬'], type: 'number', width: 12 }
const address = (labels: string[]): AnnexColumn => ({ key: 'address', labels, type: 'text', width: 22 })

/** A contact group: 姓名 and 联系电话 under a merged header (负责人, 监测责任人, …). */
function contact(prefix: string, parent: string[]): AnnexColumn[] {
  return [
    { key: `${prefix}Name`, labels: ['姓名'], parent, type: 'text', width: 10 },
    { key: `${prefix}Phone`, labels: PHONE_LABELS, parent, type: 'phone', width: 15 },
  ]
}

export function tableLedgers({ seq, note, county, township, village }: SharedColumns): Annex[] {
  return [
    {
      key: 'experts', title: '应急专家信息表', entity: 'expert',
      columns: [
        seq, county, township, village,
        { key: 'name', labels: ['姓名', '专家姓名'], type: 'text', required: true, width: 10 },
        { key: 'gender', labels: ['性别'], type: 'enum', enumLabels: GENDER_WORDS, width: 6 },
        { key: 'bornOn', labels: ['出生年月', '出生日期', '出生年份'], type: 'date', width: 12 },
        { key: 'workUnit', labels: ['工作单位', '所在单位', '工作单位及部门'], type: 'text', width: 22 },
        { key: 'title', labels: ['职务/职称', '职务职称', '职称', '职务', '技术职称'], type: 'text', width: 14 },
        { key: 'domain', labels: ['专业领域', '领域', '专家类别', '专业类别'], type: 'enum', enumLabels: EXPERT_DOMAIN_WORDS, width: 12 },
        { key: 'group', labels: ['专家组别', '组别', '所属组别', '专家组'], type: 'text', width: 14 },
        { key: 'speciality', labels: ['专业特长', '专长', '研究方向', '擅长领域'], type: 'text', width: 20 },
        { key: 'phone', labels: PHONE_LABELS, type: 'phone', width: 15 },
        note,
      ],
    },
    {
      key: 'shelters', title: '应急避难场所信息表', entity: 'shelter',
      columns: [
        seq, county, township, village,
        { key: 'name', labels: ['场所名称', '避难场所名称', '名称'], type: 'text', required: true, width: 24 },
        address(['地址', '场所地址', '位置', '详细地址']),
        { key: 'spaceType', labels: ['类型', '场所类型', '空间类型'], type: 'enum', enumLabels: SHELTER_SPACE_WORDS, width: 14 },
        { key: 'shelterClass', labels: ['类别', '避难类别', '场所类别'], type: 'enum', enumLabels: SHELTER_CLASS_WORDS, width: 14 },
        { key: 'level', labels: ['级别', '场所级别', '等级'], type: 'enum', enumLabels: SHELTER_LEVEL_WORDS, width: 14 },
        {
          key: 'area', labels: ['有效面积（m²）', '有效避难面积（m²）', '有效面积', '面积（m²）', '面积（平方米）', '面积'],
          type: 'number', required: true, width: 12, total: true,
        },
        { key: 'capacity', labels: ['可容纳人数', '容纳人数', '可安置人数', '容纳人数（人）'], type: 'integer', required: true, width: 10, total: true },
        { key: 'facilities', labels: ['配套设施', '设施', '主要设施'], type: 'text', width: 20 },
        ...contact('responsible', ['负责人', '管理人', '责任人']),
        lng, lat, note,
      ],
    },
    {
      key: 'risks', title: '风险隐患点信息表', entity: 'riskPoint',
      columns: [
        seq, county, township, village,
        { key: 'name', labels: ['隐患点名称', '风险隐患点名称', '风险点名称', '名称'], type: 'text', required: true, width: 22 },
        { key: 'hazardType', labels: ['隐患类型', '类型', '灾种', '风险类型'], type: 'enum', enumLabels: HAZARD_WORDS, required: true, width: 12 },
        address(['位置', '地址', '具体位置', '所在位置']),
        { key: 'level', labels: ['风险等级', '隐患等级', '等级', '级别'], type: 'enum', enumLabels: RISK_LEVEL_WORDS, width: 8 },
        { key: 'state', labels: ['处置状态', '状态', '治理状态', '整治情况'], type: 'enum', enumLabels: RISK_STATE_WORDS, width: 10 },
        {
          key: 'threatenedPeople', labels: ['影响范围/人数', '影响人数', '威胁人数', '受威胁人数', '影响范围（人数）', '威胁人口'],
          type: 'integer', width: 10, total: true,
        },
        { key: 'measures', labels: ['防范措施', '防控措施', '监测措施', '措施'], type: 'text', width: 24 },
        ...contact('monitor', ['监测责任人', '监测人', '监测员']),
        ...contact('responsible', ['包保责任人', '包保人', '责任人', '负责人']),
        lng, lat, note,
      ],
    },
    {
      key: 'storage', title: '应急物资储备点（仓库）信息表', entity: 'storagePoint',
      columns: [
        seq, county, township, village,
        { key: 'name', labels: ['储备点名称', '仓库名称', '储备库名称', '名称'], type: 'text', required: true, width: 24 },
        { key: 'storageKind', labels: ['类型', '储备点类型', '仓库类型'], type: 'enum', enumLabels: STORAGE_KIND_WORDS, width: 10 },
        address(['地址', '位置', '所在地址', '详细地址']),
        { key: 'area', labels: ['面积（m²）', '面积（平方米）', '面积', '仓储面积'], type: 'number', width: 10, total: true },
        { key: 'volume', labels: ['容积（m³）', '容积（立方米）', '容积'], type: 'number', width: 10, total: true },
        ...contact('responsible', ['负责人', '责任人']),
        ...contact('keeper', ['保管员', '管理员', '仓管员']),
        lng, lat, note,
      ],
    },
    {
      key: 'suppliers', title: '应急物资保供单位及协议一览表', entity: 'supplier',
      columns: [
        seq, county, township, village,
        // Often merged over its agreements (merged cells are read as filled). Not carried down
        // over blanks: a supplier row without agreements would read as a heading and be lost.
        { key: 'name', labels: ['保供单位', '单位名称', '保供单位名称', '企业名称'], type: 'text', required: true, width: 24 },
        { key: 'creditCode', labels: ['统一社会信用代码', '社会信用代码', '信用代码'], type: 'text', width: 20 },
        address(['地址', '单位地址', '企业地址']),
        ...contact('contact', ['联系人', '负责人']),
        { key: 'itemName', labels: ['物资品名', '协议物资', '保供物资', '品名', '物资名称'], type: 'text', width: 16 },
        { key: 'quantity', labels: ['数量', '协议数量', '保供数量'], type: 'quantity', width: 10, total: true },
        { key: 'unit', labels: ['单位', '计量单位'], type: 'text', width: 6 },
        { key: 'startsOn', labels: ['协议开始日期', '开始日期', '签订日期', '起始日期'], type: 'date', width: 12 },
        { key: 'endsOn', labels: ['协议截止日期', '协议期限', '截止日期', '到期日期', '协议有效期至'], type: 'date', width: 12 },
        { key: 'responseHours', labels: ['响应时限（小时）', '响应时间（小时）', '响应时限'], type: 'integer', width: 10 },
        note,
      ],
    },
    {
      key: 'annex1', number: 1, title: '应急工作领导小组成员名单', entity: 'leadingGroup',
      columns: [
        seq, county, township, village,
        // Merged over the members as a rule; not carried down over blanks, as for suppliers.
        { key: 'groupName', labels: ['领导小组名称', '领导小组', '小组名称', '机构名称'], type: 'text', required: true, width: 22 },
        { key: 'position', labels: ['小组职务', '组内职务', '担任职务', '职位'], type: 'enum', enumLabels: GROUP_POSITION_WORDS, width: 10 },
        // Blank on the row of a group without members yet.
        { key: 'name', labels: ['姓名'], type: 'text', width: 10 },
        { key: 'post', labels: ['单位及职务', '工作单位及职务', '职务', '现任职务'], type: 'text', width: 22 },
        { key: 'phone', labels: PHONE_LABELS, type: 'phone', width: 15 },
        { key: 'duty', labels: ['职责分工', '分工', '职责'], type: 'text', width: 22 },
        { key: 'officeAddress', labels: ['办公室地址', '办公室', '办公室设在', '办公地点'], type: 'text', width: 18 },
        { key: 'officePhone', labels: ['办公室电话', '办公电话', '值班电话'], type: 'phone', width: 15 },
      ],
    },
  ]
}
