import type { ColumnType, Generated } from 'kysely'

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>
type Json = ColumnType<unknown, string | undefined, string>

export interface RegionTable {
  code: string
  name: string
  level: string
  kind: string | null
  parentCode: string | null
  fullName: string
}

export interface SettingTable {
  key: string
  value: Json
  updatedAt: Generated<Date>
}

export interface AppUserTable {
  id: Generated<number>
  username: string
  displayName: string
  role: string
  regionCode: string
  passwordHash: string
  passwordChangedAt: Generated<Date>
  totpSecret: string | null
  totpEnabled: Generated<boolean>
  failedLogins: Generated<number>
  lockedUntil: Date | null
  disabled: Generated<boolean>
  lastLoginAt: Date | null
  isDemo: Generated<boolean>
  version: Generated<number>
  createdAt: Generated<Date>
  updatedAt: Generated<Date>
}

export interface SessionTable {
  id: string
  userId: number
  csrfToken: string
  ip: string | null
  userAgent: string | null
  createdAt: Generated<Date>
  lastSeenAt: Timestamp
}

export interface LoginFailureTable {
  id: Generated<number>
  ip: string
  username: string
  at: Generated<Date>
}

export interface AuditLogTable {
  id: Generated<number>
  at: ColumnType<Date, string | Date, never>
  actorId: number | null
  actorName: string
  ip: string | null
  action: string
  entity: string
  entityId: string | null
  regionCode: string | null
  before: Json | null
  after: Json | null
  prevHash: string
  hash: string
}

export interface UnitTable {
  id: Generated<number>
  regionCode: string
  name: string
  kind: string
  creditCode: string | null
  address: string | null
  phone: string | null
  parentUnitId: number | null
  isDemo: Generated<boolean>
  version: Generated<number>
  createdAt: Generated<Date>
  updatedAt: Generated<Date>
}

export interface PersonTable {
  id: Generated<number>
  regionCode: string
  unitId: number | null
  name: string
  post: string | null
  mobile: string | null
  landline: string | null
  wechat: string | null
  roles: ColumnType<string[], string[] | undefined, string[]>
  note: string | null
  isDemo: Generated<boolean>
  version: Generated<number>
  createdAt: Generated<Date>
  updatedAt: Generated<Date>
}

export interface LeadingGroupTable {
  id: Generated<number>
  regionCode: string
  name: string
  officeUnitId: number | null
  officeAddress: string | null
  officePhone: string | null
  isDemo: Generated<boolean>
  version: Generated<number>
  createdAt: Generated<Date>
  updatedAt: Generated<Date>
}

export interface LeadingGroupMemberTable {
  groupId: number
  personId: number
  position: string
  duty: string | null
  sort: Generated<number>
}

/** Every table. Features add their tables here, one line each. */
export interface Database {
  region: RegionTable
  setting: SettingTable
  appUser: AppUserTable
  session: SessionTable
  loginFailure: LoginFailureTable
  auditLog: AuditLogTable
  unit: UnitTable
  person: PersonTable
  leadingGroup: LeadingGroupTable
  leadingGroupMember: LeadingGroupMemberTable
}
