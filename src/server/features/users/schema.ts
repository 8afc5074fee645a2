import { Type, type Static } from 'typebox'

const RegionCode = Type.String({ pattern: '^[0-9]{12}$', title: '所属区划' })
const Version = Type.Integer({ minimum: 1, title: '版本号' })
const Password = Type.String({ minLength: 1, maxLength: 128, title: '口令' })
const NullableTime = Type.Union([Type.String({ format: 'date-time' }), Type.Null()])

export const UserIdParam = Type.Object({
  id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, title: '账号编号' }),
})

export const UserListQuery = Type.Object({
  regionCode: Type.Optional(RegionCode),
  q: Type.Optional(Type.String({ maxLength: 64, title: '关键字' })),
  role: Type.Optional(Type.String({ maxLength: 32, title: '角色' })),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, title: '页码' })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, title: '每页条数' })),
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
  version: Type.Integer(),
})
export type User = Static<typeof User>

export const UserPage = Type.Object({ items: Type.Array(User), total: Type.Integer() })

export const CreateUserBody = Type.Object({
  username: Type.String({ minLength: 3, maxLength: 32, pattern: '^[A-Za-z0-9_.-]+$', title: '用户名' }),
  displayName: Type.String({ minLength: 1, maxLength: 64, title: '姓名' }),
  role: Type.String({ minLength: 1, maxLength: 32, title: '角色' }),
  regionCode: RegionCode,
  password: Password,
}, { additionalProperties: false })
export type CreateUserBody = Static<typeof CreateUserBody>

export const UpdateUserBody = Type.Object({
  displayName: Type.String({ minLength: 1, maxLength: 64, title: '姓名' }),
  disabled: Type.Boolean({ title: '停用' }),
  version: Version,
}, { additionalProperties: false })
export type UpdateUserBody = Static<typeof UpdateUserBody>

export const AssignRoleBody = Type.Object({
  role: Type.String({ minLength: 1, maxLength: 32, title: '角色' }),
  regionCode: RegionCode,
  version: Version,
}, { additionalProperties: false })
export type AssignRoleBody = Static<typeof AssignRoleBody>

export const ResetPasswordBody = Type.Object({
  password: Password,
}, { additionalProperties: false })

export const Ok = Type.Object({ ok: Type.Boolean() })

export const Role = Type.Object({
  key: Type.String(),
  label: Type.String(),
  description: Type.String(),
  permissions: Type.Array(Type.Object({ key: Type.String(), label: Type.String() })),
  level: Type.Union([Type.String(), Type.Null()]),
})
