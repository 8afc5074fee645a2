import { sql, type SqlBool } from 'kysely'
import { Type, type Static } from 'typebox'
import { EXPERT_DOMAINS, GENDERS, label } from '../../../domain/resources/kinds.js'
import { badField } from '../../errors.js'
import { text } from '../../shared/input.js'
import type { KindModule } from './kind.js'
import { DEFAULT_TITLES, nullable, optionalDate, optionalEnum, optionalText } from './schema.js'

/**
 * 应急专家. An expert is a person: the record's 负责人 is the expert's own entry in the people
 * directory, which holds the phone numbers (masked here, revealed and audited there). So an
 * expert cannot be saved without that entry, and numbers are never copied into this table.
 */

export const ExpertDetailInput = Type.Object({
  domain: Type.Enum(Object.keys(EXPERT_DOMAINS), { title: '专业领域' }),
  groupCode: Type.Optional(Type.Unsafe<string | null>({ type: ['string', 'null'], maxLength: 30, title: '专家组别' })),
  title: optionalText('职称', 50),
  speciality: optionalText('专长', 200),
  workUnit: optionalText('工作单位', 100),
  gender: optionalEnum('性别', Object.keys(GENDERS)),
  bornOn: optionalDate('出生年月'),
}, { additionalProperties: false })
export type ExpertDetailInput = Static<typeof ExpertDetailInput>

export const ExpertDetail = Type.Object({
  domain: Type.String(),
  domainLabel: Type.String(),
  groupCode: nullable(Type.String()),
  groupName: nullable(Type.String()),
  title: nullable(Type.String()),
  speciality: nullable(Type.String()),
  workUnit: nullable(Type.String()),
  gender: nullable(Type.String({ description: 'male 男 / female 女' })),
  genderLabel: nullable(Type.String()),
  bornOn: nullable(Type.String({ format: 'date' })),
})
export type ExpertDetail = Static<typeof ExpertDetail>

type ExpertValues = {
  domain: string; groupCode: string | null; title: string | null; speciality: string | null; workUnit: string | null
  gender: string | null; bornOn: string | null
}

export const experts: KindModule<ExpertDetailInput, ExpertValues, ExpertDetail> = {
  kind: 'expert',
  titles: { ...DEFAULT_TITLES, name: '专家姓名', responsible: '专家本人（人员名录）' },
  requiresResponsible: true,
  input: ExpertDetailInput,
  output: ExpertDetail,
  filters: {
    domain: Type.Optional(Type.Enum(Object.keys(EXPERT_DOMAINS), { title: '专业领域' })),
    groupCode: Type.Optional(Type.String({ maxLength: 30, title: '专家组别' })),
  },

  async values(d, _person, trx) {
    const groupCode = text(d.groupCode)
    if (groupCode !== null) {
      const group = await trx.selectFrom('expertGroup').select(['domain', 'name']).where('code', '=', groupCode).executeTakeFirst()
      if (!group) throw badField('detail.groupCode', '专家组别', groupCode, '不存在')
      if (group.domain !== d.domain) {
        throw badField('detail.groupCode', '专家组别', group.name,
          `属于“${label(EXPERT_DOMAINS, group.domain)}”领域，与所选专业领域“${label(EXPERT_DOMAINS, d.domain)}”不一致`)
      }
    }
    return {
      domain: d.domain, groupCode, title: text(d.title), speciality: text(d.speciality), workUnit: text(d.workUnit),
      gender: d.gender ?? null, bornOn: d.bornOn ?? null,
    }
  },

  async save(trx, id, v) {
    await trx.insertInto('expert').values({ resourceId: id, ...v })
      .onConflict((oc) => oc.column('resourceId').doUpdateSet(v)).execute()
  },

  raw: (trx, id) => trx.selectFrom('expert').selectAll().where('resourceId', '=', id).executeTakeFirst(),

  async load(db, _scope, ids) {
    if (ids.length === 0) return new Map()
    const rows = await db.selectFrom('expert as e')
      .leftJoin('expertGroup as g', 'g.code', 'e.groupCode')
      .select(['e.resourceId', 'e.domain', 'e.groupCode', 'g.name as groupName', 'e.title', 'e.speciality', 'e.workUnit', 'e.gender', 'e.bornOn'])
      .where('e.resourceId', 'in', ids).execute()
    return new Map(rows.map(({ resourceId, ...e }) => [resourceId, {
      ...e, domainLabel: label(EXPERT_DOMAINS, e.domain), genderLabel: e.gender === null ? null : label(GENDERS, e.gender),
    }]))
  },

  matching(db, f) {
    if (f.domain === undefined && f.groupCode === undefined) return null
    const ids = db.selectFrom('expert').select('resourceId')
      .$if(f.domain !== undefined, (q) => q.where('domain', '=', f.domain!))
      .$if(f.groupCode !== undefined, (q) => q.where('groupCode', '=', f.groupCode!))
    return sql<SqlBool>`r.id in (${ids})`
  },

  warnings: () => [],

  contactWarnings: { missing: '未关联人员名录中的专家本人，无法联系', noPhone: '专家未登记联系电话' },
}
