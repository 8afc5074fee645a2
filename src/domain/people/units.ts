/**
 * Organisations and the people in them: which kinds of unit take part in grassroots emergency
 * work, what a person is responsible for, and the positions of a leading group (领导小组).
 * Keys are stable English; labels are what users read.
 */

export const UNIT_KINDS = {
  government: '政府部门',
  township_station: '乡镇（街道）应急站/应急办',
  village: '村（社区）',
  enterprise: '生产经营单位（企业）',
  school: '学校',
  hospital: '医院',
  social_org: '社会组织',
  volunteer_team: '志愿者队伍',
  other: '其他',
} as const
export type UnitKind = keyof typeof UNIT_KINDS
export const UNIT_KIND_KEYS = Object.keys(UNIT_KINDS) as UnitKind[]

/** A person may hold several: a village head is often also its 防汛责任人. */
export const RESPONSIBILITY_ROLES = {
  head: '负责人',
  liaison: '联络人',
  informant: '信息员',
  grid_worker: '网格员',
  grid_head: '网格长',
  duty_officer: '值班员',
  commander: '指挥官',
  deputy_commander: '副指挥官',
  expert: '专家',
  flood_control: '防汛责任人',
  hazard_monitor: '隐患点监测员',
  warning_receiver: '预警信息接收人',
} as const
export type ResponsibilityRole = keyof typeof RESPONSIBILITY_ROLES
export const RESPONSIBILITY_ROLE_KEYS = Object.keys(RESPONSIBILITY_ROLES) as ResponsibilityRole[]

export const GROUP_POSITIONS = {
  leader: '组长',
  deputy_leader: '副组长',
  member: '成员',
  office_director: '办公室主任',
  office_member: '办公室成员',
} as const
export type GroupPosition = keyof typeof GROUP_POSITIONS
export const GROUP_POSITION_KEYS = Object.keys(GROUP_POSITIONS) as GroupPosition[]

export function unitKindLabel(kind: string): string {
  return (UNIT_KINDS as Record<string, string>)[kind] ?? kind
}

export function roleLabels(roles: readonly string[]): string[] {
  return roles.map((r) => (RESPONSIBILITY_ROLES as Record<string, string>)[r] ?? r)
}

export function groupPositionLabel(position: string): string {
  return (GROUP_POSITIONS as Record<string, string>)[position] ?? position
}

// GB 32100-2015: 31 characters (no I, O, Z, S, V) and the weights of the check character.
const CREDIT_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY'
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

/** The 18th character of a 统一社会信用代码 from its first 17. */
export function creditCheckChar(first17: string): string {
  let sum = 0
  for (let i = 0; i < 17; i++) sum += CREDIT_CHARS.indexOf(first17[i]) * CREDIT_WEIGHTS[i]
  return CREDIT_CHARS[(31 - (sum % 31)) % 31]
}

export type CreditCodeCheck = { ok: true; value: string } | { ok: false; reason: string }

/** 统一社会信用代码: 18 characters with a check character; spaces and lower case are forgiven. */
export function checkCreditCode(input: string): CreditCodeCheck {
  const value = input.normalize('NFKC').replace(/\s+/g, '').toUpperCase()
  if (value.length !== 18) return { ok: false, reason: `应为 18 位（现为 ${value.length} 位）` }
  if (![...value].every((c) => CREDIT_CHARS.includes(c))) {
    return { ok: false, reason: '含有不允许的字符（只能是数字和除 I、O、Z、S、V 以外的大写字母）' }
  }
  if (creditCheckChar(value) !== value[17]) return { ok: false, reason: '校验位不正确，请核对是否抄错' }
  return { ok: true, value }
}
