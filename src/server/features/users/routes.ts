import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { PERMISSIONS, ROLES } from '../../../domain/auth/roles.js'
import { forbidden } from '../../errors.js'
import { listApprovals } from './approvals.js'
import {
  approveChange, assignRole, createUser, getUser, listUsers, rejectChange, resetPassword, unlockUser, updateUser,
  type Caller, type Outcome,
} from './queries.js'
import {
  Approval, ApprovalIdParam, ApprovalListQuery, Approved, AssignRoleBody, CreatedUser, CreateUserBody, PasswordReset, Pending,
  Role, UpdateUserBody, User, UserIdParam, UserListQuery, UserPage,
} from './schema.js'

const callerOf = (req: FastifyRequest): Caller => ({ userId: req.user.id, scope: req.scope, actor: req.actor })

/** Both the system and the security administrator need to find accounts; nobody else does. */
async function canSeeAccounts(req: FastifyRequest): Promise<void> {
  const p = req.user.permissions
  if (!p.includes('users.manage') && !p.includes('users.security')) throw forbidden()
}

/** 200 with the result, or 202 with the request filed for a second administrator. */
function answer<T>(reply: FastifyReply, outcome: Outcome<T>) {
  if ('pending' in outcome) return reply.status(202).send({ approval: outcome.pending })
  return outcome.done
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
    schema: { tags, summary: '创建业务账号，返回一次性口令（系统管理员）', body: CreateUserBody, response: { 201: CreatedUser } },
    preHandler: app.can('users.manage'),
  }, async (req, reply) => reply.status(201).send(await createUser(app.db, callerOf(req), req.body)))

  app.put('/:id', {
    schema: {
      tags, summary: '修改姓名、停用或启用账号（系统管理员；管理员账号的停用、启用须另一名管理员批准）',
      params: UserIdParam, body: UpdateUserBody, response: { 200: User, 202: Pending },
    },
    preHandler: app.can('users.manage'),
  }, async (req, reply) => answer(reply, await updateUser(app.db, callerOf(req), req.params.id, req.body)))

  app.put('/:id/role', {
    schema: {
      tags, summary: '分配角色与辖区（安全管理员；授予或变更管理员角色须另一名管理员批准）',
      params: UserIdParam, body: AssignRoleBody, response: { 200: User, 202: Pending },
    },
    preHandler: app.can('users.security'),
  }, async (req, reply) => answer(reply, await assignRole(app.db, callerOf(req), req.params.id, req.body)))

  // No body: the server chooses the password, so that the administrator cannot.
  app.post('/:id/reset-password', {
    schema: {
      tags, summary: '重置口令，返回一次性口令，本人首次登录须修改（安全管理员；管理员账号须另一名管理员批准）',
      params: UserIdParam, response: { 200: PasswordReset, 202: Pending },
    },
    preHandler: app.can('users.security'),
  }, async (req, reply) => answer(reply, await resetPassword(app.db, callerOf(req), req.params.id)))

  app.post('/:id/unlock', {
    schema: { tags, summary: '解除登录失败锁定（安全管理员）', params: UserIdParam, response: { 200: User } },
    preHandler: app.can('users.security'),
  }, (req) => unlockUser(app.db, callerOf(req), req.params.id))

  app.get('/approvals', {
    schema: { tags, summary: '管理员账号变更的审批申请（默认待审批）', querystring: ApprovalListQuery, response: { 200: Type.Array(Approval) } },
    preHandler: canSeeAccounts,
  }, (req) => listApprovals(app.db, req.scope, req.query))

  app.post('/approvals/:id/approve', {
    schema: { tags, summary: '批准（须为另一名系统或安全管理员，非申请人、非所涉账号本人）', params: ApprovalIdParam, response: { 200: Approved } },
    preHandler: canSeeAccounts,
  }, (req) => approveChange(app.db, callerOf(req), req.params.id))

  app.post('/approvals/:id/reject', {
    schema: { tags, summary: '驳回（申请人本人驳回即撤回）', params: ApprovalIdParam, response: { 200: Approval } },
    preHandler: canSeeAccounts,
  }, (req) => rejectChange(app.db, callerOf(req), req.params.id))
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
