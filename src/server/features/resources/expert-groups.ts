import { sql } from 'kysely'
import { Type, type Static } from 'typebox'
import { EXPERT_DOMAINS, label } from '../../../domain/resources/kinds.js'
import type { Db } from '../../db/database.js'
import { AppError, isUniqueViolation } from '../../errors.js'
import { recordAudit, type Actor } from '../audit/record.js'
import { requiredText } from '../../shared/input.js'

/**
 * Second-level expert groups (专家组别) under the five domains: a code table shared by the whole
 * deployment, so it has no region and is kept by holders of `codes.manage`.
 */

export const ExpertGroupInput = Type.Object({
  code: Type.String({ pattern: '^[a-z][a-z0-9_]{1,29}$', title: '组别代码', description: '小写字母开头，可含小写字母、数字和下划线，2–30 位' }),
  domain: Type.Enum(Object.keys(EXPERT_DOMAINS), { title: '专业领域' }),
  name: Type.String({ minLength: 1, maxLength: 50, title: '组别名称' }),
}, { additionalProperties: false })
export type ExpertGroupInput = Static<typeof ExpertGroupInput>

export const ExpertGroup = Type.Object({
  code: Type.String(),
  domain: Type.String(),
  domainLabel: Type.String(),
  name: Type.String(),
})
export type ExpertGroup = Static<typeof ExpertGroup>

const DOMAIN_ORDER = Object.keys(EXPERT_DOMAINS)

export async function listExpertGroups(db: Db): Promise<ExpertGroup[]> {
  const rows = await db.selectFrom('expertGroup').select(['code', 'domain', 'name'])
    .orderBy(sql`array_position(${DOMAIN_ORDER}::text[], domain)`).orderBy('name').execute()
  return rows.map((g) => ({ ...g, domainLabel: label(EXPERT_DOMAINS, g.domain) }))
}

export async function createExpertGroup(db: Db, actor: Actor, input: ExpertGroupInput): Promise<ExpertGroup> {
  const name = requiredText('name', '组别名称', input.name)
  const row = await db.transaction().execute(async (trx) => {
    const inserted = await trx.insertInto('expertGroup').values({ code: input.code, domain: input.domain, name })
      .returningAll().executeTakeFirstOrThrow()
      .catch((e: unknown) => {
        if (isUniqueViolation(e, 'expert_group_pkey')) {
          throw new AppError('DUPLICATE', 409, `组别代码“${input.code}”已被使用`, [{ field: 'code', value: input.code }])
        }
        if (isUniqueViolation(e, 'expert_group_domain_name_key')) {
          throw new AppError('DUPLICATE', 409, `“${label(EXPERT_DOMAINS, input.domain)}”领域下已有名为“${name}”的组别`, [{ field: 'name', value: name }])
        }
        throw e
      })
    await recordAudit(trx, actor, { action: 'expert_group.created', entity: 'expert_group', entityId: inserted.code, after: inserted })
    return inserted
  })
  return { ...row, domainLabel: label(EXPERT_DOMAINS, row.domain) }
}
