import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { PERMISSIONS, ROLES } from '../../../domain/auth/roles.js'
import { forbidden } from '../../errors.js'
import { assignRole, createUser, getUser, listUsers, resetPassword, unlockUser, updateUser, type Caller } from './queries.js'
import {
  AssignRoleBody, CreateUserBody, Ok, ResetPasswordBody, Role, UpdateUserBody, User, UserIdParam, UserListQuery, UserPage,
} from './schema.js'

const callerOf = (req: FastifyRequest): Caller => ({ userId: req.user.id, scope: req.scope, actor: req.actor })

/** Both the system and the security administrator need to find accounts; nobody else does. */
async function canSeeAccounts(req: FastifyRequest): Promise<void> {
  const p = req.user.permissions
  if (!p.includes('users.manage') && !p.includes('users.security')) throw forbidden()
}

export const usersRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['用户与角色']

  app.get('/', {
    schema: { tags, summary: '辖区内的账号', querystring: UserListQuery, response: { 200: UserPage } },
    preHandler: canSeeAccounts,
  }, (req) => listUsers(app.db, req.scope, req.query))

  app.get('/:id', {
    schema: { tags, summary: '账号详情', params: UserIdParam, response: { 200: User } },
    preHandler: canSeeAccounts,
  }, (req) => getUser(app.db, req.scope, req.params.id))

  app.post('/', {
    schema: { tags, summary: '创建业务账号（系统管理员）', body: CreateUserBody, response: { 201: User } },
    preHandler: app.can('users.manage'),
  }, async (req, reply) => reply.status(201).send(await createUser(app.db, callerOf(req), req.body)))

  app.put('/:id', {
    schema: { tags, summary: '修改姓名、停用或启用账号（系统管理员）', params: UserIdParam, body: UpdateUserBody, response: { 200: User } },
    preHandler: app.can('users.manage'),
  }, (req) => updateUser(app.db, callerOf(req), req.params.id, req.body))

  app.put('/:id/role', {
    schema: { tags, summary: '分配角色与辖区（安全管理员）', params: UserIdParam, body: AssignRoleBody, response: { 200: User } },
    preHandler: app.can('users.security'),
  }, (req) => assignRole(app.db, callerOf(req), req.params.id, req.body))

  app.post('/:id/reset-password', {
    schema: { tags, summary: '重置口令，下次登录须修改（安全管理员）', params: UserIdParam, body: ResetPasswordBody, response: { 200: Ok } },
    preHandler: app.can('users.security'),
  }, async (req) => {
    await resetPassword(app.db, callerOf(req), req.params.id, req.body.password)
    return { ok: true }
  })

  app.post('/:id/unlock', {
    schema: { tags, summary: '解除登录失败锁定（安全管理员）', params: UserIdParam, response: { 200: User } },
    preHandler: app.can('users.security'),
  }, (req) => unlockUser(app.db, callerOf(req), req.params.id))
}

/** The role catalogue, for every signed-in user: the web labels roles and picks from it. */
export const rolesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/', {
    schema: { tags: ['用户与角色'], summary: '角色及其权限', response: { 200: Type.Array(Role) } },
  }, () => ROLES.map((r) => ({
    key: r.key,
    label: r.label,
    description: r.description,
    permissions: r.permissions.map((p) => ({ key: p, label: PERMISSIONS[p] })),
    level: r.level ?? null,
  })))
}
