import { Type } from 'typebox'

export const LoginBody = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 64, title: '用户名' }),
  password: Type.String({ minLength: 1, maxLength: 128, title: '口令' }),
  totp: Type.Optional(Type.String({ maxLength: 10, title: '动态口令' })),
}, { additionalProperties: false })

export const Me = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  role: Type.String(),
  roleLabel: Type.String(),
  regionCode: Type.String(),
  regionName: Type.String(),
  regionLevel: Type.String(),
  permissions: Type.Array(Type.String()),
  totpEnabled: Type.Boolean(),
  passwordExpired: Type.Boolean(),
  /** The account still has a one-time password from an administrator: it must be changed first. */
  mustChangePassword: Type.Boolean(),
})

export const SessionReply = Type.Object({ user: Me, csrfToken: Type.String() })

export const ChangePasswordBody = Type.Object({
  oldPassword: Type.String({ minLength: 1, maxLength: 128, title: '原口令' }),
  newPassword: Type.String({ minLength: 1, maxLength: 128, title: '新口令' }),
}, { additionalProperties: false })

export const TotpCodeBody = Type.Object({
  code: Type.String({ minLength: 6, maxLength: 10, title: '动态口令' }),
}, { additionalProperties: false })
