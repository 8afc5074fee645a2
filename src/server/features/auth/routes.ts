import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { roleDef } from '../../../domain/auth/roles.js'
import type { Db } from '../../db/database.js'
import { AppError } from '../../errors.js'
import { recordAudit } from '../audit/record.js'
import { checkLogin } from './login.js'
import { assertPasswordPolicy, hashPassword, verifyPassword } from './passwords.js'
import { ChangePasswordBody, LoginBody, SessionReply, TotpCodeBody } from './schema.js'
import { closeSession, openSession, SESSION_COOKIE } from './sessions.js'
import { newTotpSecret, totpUri, verifyTotp } from './totp.js'

/** GB/T 22239 asks for periodic password change; the web asks for a new one after this. */
const PASSWORD_MAX_AGE_DAYS = 90

async function presentMe(db: Db, userId: number) {
  const u = await db.selectFrom('appUser as u')
    .innerJoin('region as r', 'r.code', 'u.regionCode')
    .select(['u.id', 'u.username', 'u.displayName', 'u.role', 'u.regionCode', 'r.fullName as regionName', 'r.level as regionLevel', 'u.totpEnabled', 'u.passwordChangedAt', 'u.mustChangePassword'])
    .where('u.id', '=', userId).executeTakeFirstOrThrow()
  const role = roleDef(u.role)
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    role: u.role,
    roleLabel: role?.label ?? u.role,
    regionCode: u.regionCode,
    regionName: u.regionName,
    regionLevel: u.regionLevel,
    permissions: [...(role?.permissions ?? [])],
    totpEnabled: u.totpEnabled,
    passwordExpired: Date.now() - u.passwordChangedAt.getTime() > PASSWORD_MAX_AGE_DAYS * 86_400_000,
    // A one-time password from an administrator: nothing else works until it is replaced.
    mustChangePassword: u.mustChangePassword,
  }
}

export const authRoutes: FastifyPluginAsyncTypebox<{ cookieSecure: boolean }> = async (app, opts) => {
  const cookieOptions = { path: '/', httpOnly: true, sameSite: 'strict' as const, secure: opts.cookieSecure }

  app.post('/login', {
    config: { public: true },
    schema: { tags: ['认证'], summary: '登录', body: LoginBody, response: { 200: SessionReply } },
  }, async (req, reply) => {
    const { userId } = await checkLogin(app.db, { ...req.body, ip: req.ip }, { refusals: app.refusals, now: app.clock.now() })
    const ua = req.headers['user-agent']?.slice(0, 300) ?? null
    const { token, csrfToken } = await openSession(app.db, userId, req.ip, ua)
    // Over HTTPS (directly, or per a trusted proxy's X-Forwarded-Proto) the cookie never travels in clear.
    reply.setCookie(SESSION_COOKIE, token, { ...cookieOptions, secure: opts.cookieSecure || req.protocol === 'https' })
    return { user: await presentMe(app.db, userId), csrfToken }
  })

  app.post('/logout', {
    schema: { tags: ['认证'], summary: '退出登录', response: { 200: Type.Object({ ok: Type.Boolean() }) } },
  }, async (req, reply) => {
    await closeSession(app.db, req.cookies[SESSION_COOKIE]!)
    await app.db.transaction().execute((trx) => recordAudit(trx, req.actor, { action: 'auth.logout', entity: 'user', entityId: req.user.id }))
    reply.clearCookie(SESSION_COOKIE, { path: '/' })
    return { ok: true }
  })

  app.get('/me', {
    schema: { tags: ['认证'], summary: '当前用户与防伪令牌', response: { 200: SessionReply } },
  }, async (req) => ({ user: await presentMe(app.db, req.user.id), csrfToken: req.csrfToken }))

  app.post('/password', {
    schema: { tags: ['认证'], summary: '修改本人口令', body: ChangePasswordBody, response: { 200: Type.Object({ ok: Type.Boolean() }) } },
  }, async (req) => {
    const u = await app.db.selectFrom('appUser').select(['passwordHash', 'mustChangePassword']).where('id', '=', req.user.id).executeTakeFirstOrThrow()
    if (!(await verifyPassword(u.passwordHash, req.body.oldPassword))) {
      throw new AppError('BAD_CREDENTIALS', 400, '原口令不正确', [{ field: 'oldPassword' }])
    }
    assertPasswordPolicy(req.body.newPassword, '新口令')
    if (req.body.newPassword === req.body.oldPassword) throw new AppError('SAME_PASSWORD', 400, '新口令不能与原口令相同')
    const passwordHash = await hashPassword(req.body.newPassword)
    await app.db.transaction().execute(async (trx) => {
      await trx.updateTable('appUser').set({ passwordHash, passwordChangedAt: new Date(), mustChangePassword: false, updatedAt: new Date() }).where('id', '=', req.user.id).execute()
      // Replacing a one-time password is told apart: the auditor sees from where the owner took over.
      await recordAudit(trx, req.actor, {
        action: u.mustChangePassword ? 'user.initial_password_changed' : 'user.password_changed',
        entity: 'user', entityId: req.user.id, regionCode: req.user.regionCode,
      })
    })
    return { ok: true }
  })

  app.post('/totp/setup', {
    schema: { tags: ['认证'], summary: '生成动态口令密钥（启用前须验证）', response: { 200: Type.Object({ secret: Type.String(), otpauthUrl: Type.String() }) } },
  }, async (req) => {
    const secret = newTotpSecret()
    // Stored but not enabled until a code proves the authenticator has it.
    await app.db.updateTable('appUser').set({ totpSecret: secret }).where('id', '=', req.user.id).where('totpEnabled', '=', false).execute()
    const current = await app.db.selectFrom('appUser').select(['totpEnabled']).where('id', '=', req.user.id).executeTakeFirstOrThrow()
    if (current.totpEnabled) throw new AppError('TOTP_ALREADY_ENABLED', 409, '已启用动态口令；如需更换，请先停用')
    return { secret, otpauthUrl: totpUri(secret, req.user.username) }
  })

  app.post('/totp/enable', {
    schema: { tags: ['认证'], summary: '验证并启用动态口令', body: TotpCodeBody, response: { 200: Type.Object({ ok: Type.Boolean() }) } },
  }, async (req) => {
    const u = await app.db.selectFrom('appUser').select(['totpSecret']).where('id', '=', req.user.id).executeTakeFirstOrThrow()
    if (!u.totpSecret || !verifyTotp(u.totpSecret, req.body.code)) {
      throw new AppError('TOTP_INVALID', 400, `动态口令“${req.body.code}”错误或已过期`, [{ field: 'code', value: req.body.code }])
    }
    await app.db.transaction().execute(async (trx) => {
      await trx.updateTable('appUser').set({ totpEnabled: true }).where('id', '=', req.user.id).execute()
      await recordAudit(trx, req.actor, { action: 'user.totp_enabled', entity: 'user', entityId: req.user.id })
    })
    return { ok: true }
  })

  app.post('/totp/disable', {
    schema: { tags: ['认证'], summary: '停用动态口令（须提供当前动态口令）', body: TotpCodeBody, response: { 200: Type.Object({ ok: Type.Boolean() }) } },
  }, async (req) => {
    const u = await app.db.selectFrom('appUser').select(['totpSecret', 'totpEnabled']).where('id', '=', req.user.id).executeTakeFirstOrThrow()
    if (!u.totpEnabled || !verifyTotp(u.totpSecret ?? '', req.body.code)) {
      throw new AppError('TOTP_INVALID', 400, `动态口令“${req.body.code}”错误或已过期`, [{ field: 'code', value: req.body.code }])
    }
    await app.db.transaction().execute(async (trx) => {
      await trx.updateTable('appUser').set({ totpEnabled: false, totpSecret: null }).where('id', '=', req.user.id).execute()
      await recordAudit(trx, req.actor, { action: 'user.totp_disabled', entity: 'user', entityId: req.user.id })
    })
    return { ok: true }
  })
}
