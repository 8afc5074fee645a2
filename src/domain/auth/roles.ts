import type { RegionLevel } from '../regions/code.js'

/**
 * Permissions are coarse capabilities checked on the server; the jurisdiction (a region
 * prefix) limits where they apply. 等保 三权分立: the system, security and audit
 * administrators hold disjoint duties and none of them can read the audit log but the auditor.
 */
export const PERMISSIONS = {
  'directory.read': '查看组织与人员',
  'directory.write': '维护组织与人员',
  'phone.reveal': '查看完整电话号码（逐次审计）',
  'users.manage': '管理用户账号',
  'system.settings': '系统设置：查看与轮换网关回调密钥（逐次审计），预警发布规则与双人审批',
  'users.security': '分配角色、解锁账号、安全策略',
  'audit.read': '查看审计日志',
  'resources.read': '查看应急资源',
  'resources.write': '维护应急资源',
  'codes.manage': '维护代码表（物资分类、专家组别）',
  'warnings.read': '查看预警、叫应进度与联动工作群',
  'warnings.write': '起草、提交预警，维护联动工作群，办结上门叫应',
  'warnings.issue': '审批发布、更新、撤销、解除预警（按级别，见 domain/warnings/approval.ts）',
} as const
export type Permission = keyof typeof PERMISSIONS

export type RoleKey =
  | 'sysadmin'
  | 'secadmin'
  | 'auditor'
  | 'city_manager'
  | 'county_manager'
  | 'township_manager'
  | 'village_manager'
  | 'reporter'
  | 'duty'
  | 'viewer'

export type RoleDef = {
  key: RoleKey
  label: string
  description: string
  permissions: readonly Permission[]
  /** Jurisdiction level the role must be assigned at, when the role is tied to one. */
  level?: RegionLevel
}

const MANAGER: readonly Permission[] = [
  'directory.read', 'directory.write', 'phone.reveal', 'resources.read', 'resources.write',
  'warnings.read', 'warnings.write',
]
const ISSUER: readonly Permission[] = [...MANAGER, 'warnings.issue']

export const ROLES: readonly RoleDef[] = [
  { key: 'sysadmin', label: '系统管理员', description: '创建、停用账号，系统配置与代码表；不分配角色，不看审计日志', permissions: ['users.manage', 'directory.read', 'codes.manage', 'system.settings'] },
  { key: 'secadmin', label: '安全管理员', description: '分配角色与辖区、解锁账号、重置口令', permissions: ['users.security', 'directory.read'] },
  { key: 'auditor', label: '审计管理员', description: '只读审计日志并校验其完整性', permissions: ['audit.read'] },
  { key: 'city_manager', label: '市级应急管理员', description: '市本级及以下的业务数据，代码表', permissions: [...ISSUER, 'codes.manage'], level: 'city' },
  { key: 'county_manager', label: '区县应急管理员', description: '本区县及以下的业务数据，审批发布预警', permissions: ISSUER, level: 'county' },
  { key: 'township_manager', label: '乡镇（街道）应急管理员', description: '本乡镇街道及所辖村社区的业务数据，审批发布三、四级预警', permissions: ISSUER, level: 'township' },
  { key: 'village_manager', label: '村（社区）应急管理员', description: '本村社区的业务数据', permissions: MANAGER, level: 'village' },
  { key: 'reporter', label: '填报员', description: '填报、导入本辖区数据', permissions: ['directory.read', 'directory.write', 'resources.read', 'resources.write', 'warnings.read'] },
  { key: 'duty', label: '值班员', description: '值班值守，可查看完整电话以便联络，起草转发预警', permissions: ['directory.read', 'phone.reveal', 'resources.read', 'warnings.read', 'warnings.write'] },
  { key: 'viewer', label: '只读', description: '只能查看本辖区数据', permissions: ['directory.read', 'resources.read', 'warnings.read'] },
]

export const ROLE_KEYS = ROLES.map((r) => r.key) as readonly RoleKey[]

/**
 * 三权分立: the system, security and audit administrators. Nobody holds two of these duties, so an
 * administrator account is created only by the deployment's set-up command, and any change to one
 * (role, password, 停用) takes two administrators (domain/auth/approvals.ts).
 */
export const ADMIN_ROLES: readonly RoleKey[] = ['sysadmin', 'secadmin', 'auditor']

export function isAdminRole(key: string): boolean {
  return ADMIN_ROLES.some((r) => r === key)
}

export function roleDef(key: string): RoleDef | undefined {
  return ROLES.find((r) => r.key === key)
}

export function roleCan(key: string, permission: Permission): boolean {
  return roleDef(key)?.permissions.includes(permission) ?? false
}
