import { Type, type Static } from 'typebox'
import { APPROVAL_STATES } from '../../../domain/auth/approvals.js'
import { Id, Page, PageSize, Version } from '../../schema/numbers.js'

const RegionCode = Type.String({ pattern: '^[0-9]{12}$', title: '所属区划' })
const NullableTime = Type.Union([Type.String({ format: 'date-time' }), Type.Null()])

export const UserIdParam = Type.Object({
  id: Id('账号编号'),
})

export const UserListQuery = Type.Object({
  regionCode: Type.Optional(RegionCode),
  q: Type.Optional(Type.String({ maxLength: 64, title: '关键字' })),
  role: Type.Optional(Type.String({ maxLength: 32, title: '角色' })),
  page: Type.Optional(Page()),
  pageSize: Type.Optional(PageSize(200)),
}, { additionalProperties: false })
export type UserListQuery = Static<typeof UserListQuery>

/** An account as administrators see it: never the password hash or the TOTP secret. */
export const User = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  role: Type.String(),
  roleLabel: Type.String(),
  regionCode: Type.String(),
  regionName: Type.String(),
  disabled: Type.Boolean(),
  locked: Type.Boolean(),
  lockedUntil: NullableTime,
  totpEnabled: Type.Boolean(),
  lastLoginAt: NullableTime,
  isDemo: Type.Boolean(),
  /** Its one-time password has not been replaced yet: the owner has not taken the account over. */
  mustChangePassword: Type.Boolean(),
  version: Type.Integer(),
})
export type User = Static<typeof User>

export const UserPage = Type.Object({ items: Type.Array(User), total: Type.Integer() })

export const CreateUserBody = Type.Object({
  username: Type.String({ minLength: 3, maxLength: 32, pattern: '^[A-Za-z0-9_.-]+$', title: '用户名' }),
  displayName: Type.String({ minLength: 1, maxLength: 64, title: '姓名' }),
  role: Type.String({ minLength: 1, maxLength: 32, title: '角色' }),
  regionCode: RegionCode,
}, { additionalProperties: false })
export type CreateUserBody = Static<typeof CreateUserBody>

export const UpdateUserBody = Type.Object({
  displayName: Type.String({ minLength: 1, maxLength: 64, title: '姓名' }),
  disabled: Type.Boolean({ title: '停用' }),
  version: Version(),
}, { additionalProperties: false })
export type UpdateUserBody = Static<typeof UpdateUserBody>

export const AssignRoleBody = Type.Object({
  role: Type.String({ minLength: 1, maxLength: 32, title: '角色' }),
  regionCode: RegionCode,
  version: Version(),
}, { additionalProperties: false })
export type AssignRoleBody = Static<typeof AssignRoleBody>

/**
 * The password the server chose for a created or reset account: shown once to the administrator,
 * stored only as a hash, and replaced by its owner at first login.
 */
const OneTimePassword = Type.String({ title: '一次性口令' })

export const CreatedUser = Type.Object({ ...User.properties, oneTimePassword: OneTimePassword })
export type CreatedUser = Static<typeof CreatedUser>

export const PasswordReset = Type.Object({ oneTimePassword: OneTimePassword })
export type PasswordReset = Static<typeof PasswordReset>

const Person = Type.Object({ id: Type.Integer(), name: Type.String() })

/** A change to an administrator account that waits for, or had, a second administrator's decision. */
export const Approval = Type.Object({
  id: Type.Integer(),
  kind: Type.String(),
  kindLabel: Type.String(),
  state: Type.String(),
  stateLabel: Type.String(),
  summary: Type.String(),
  target: Type.Object({ id: Type.Integer(), username: Type.String(), displayName: Type.String(), roleLabel: Type.String(), regionName: Type.String() }),
  requestedBy: Person,
  requestedAt: Type.String({ format: 'date-time' }),
  decidedBy: Type.Union([Person, Type.Null()]),
  decidedAt: NullableTime,
})
export type Approval = Static<typeof Approval>

/** The answer (202) of a change that now waits for a second administrator. */
export const Pending = Type.Object({ approval: Approval })
export type Pending = Static<typeof Pending>

export const ApprovalListQuery = Type.Object({
  state: Type.Optional(Type.Union(Object.keys(APPROVAL_STATES).map((k) => Type.Literal(k)), { title: '审批状态' })),
}, { additionalProperties: false })
export type ApprovalListQuery = Static<typeof ApprovalListQuery>

export const ApprovalIdParam = Type.Object({
  id: Id('申请编号'),
})

/** What approving did: the account as it now is, and the one-time password of an approved reset. */
export const Approved = Type.Object({
  approval: Approval,
  user: User,
  oneTimePassword: Type.Union([OneTimePassword, Type.Null()]),
})
export type Approved = Static<typeof Approved>

export const Role = Type.Object({
  key: Type.String(),
  label: Type.String(),
  description: Type.String(),
  permissions: Type.Array(Type.Object({ key: Type.String(), label: Type.String() })),
  level: Type.Union([Type.String(), Type.Null()]),
})
