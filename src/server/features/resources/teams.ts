import { sql, type SqlBool } from 'kysely'
import { Type, type Static } from 'typebox'
import { MAX_HEADCOUNT, MAX_SPECIALITIES, TEXT_LIMITS } from '../../../domain/field-limits.js'
import { headcountShortfall, label, MIN_TEAM_HEADCOUNT, TEAM_LEVELS, TEAM_TYPES, type TeamLevel } from '../../../domain/resources/kinds.js'
import { inScope } from '../../db/scope.js'
import { text } from '../../shared/input.js'
import { textList, type KindModule } from './kind.js'
import { DEFAULT_TITLES, nullable, optionalDate, optionalId, optionalText } from './schema.js'
import { chinaToday } from '../../../domain/calendar.js'

/** 应急救援队伍 (附件2): level, type, specialities, headcount, leader, insurance. */

export const TeamDetailInput = Type.Object({
  level: Type.Enum(Object.keys(TEAM_LEVELS), { title: '队伍层级' }),
  teamType: Type.Enum(Object.keys(TEAM_TYPES), { title: '队伍类型' }),
  specialities: Type.Optional(Type.Array(Type.String({ maxLength: TEXT_LIMITS.speciality, title: '专业方向' }), {
    maxItems: MAX_SPECIALITIES, title: '专业方向', description: '常用：综合、防汛抗旱、森林灭火……，也可填写其他',
  })),
  headcount: Type.Integer({ minimum: 0, maximum: MAX_HEADCOUNT, title: '人数' }),
  leaderPersonId: optionalId('队长'),
  establishedOn: optionalDate('成立日期'),
  // 突发事件应对法 Art. 40: the organiser insures its team members.
  insured: Type.Boolean({ title: '已为队员购买人身意外伤害保险' }),
  insuranceUntil: optionalDate('保险到期日'),
  equipmentSummary: optionalText('主要装备', 1000),
}, { additionalProperties: false })
export type TeamDetailInput = Static<typeof TeamDetailInput>

export const TeamDetail = Type.Object({
  level: Type.String(),
  levelLabel: Type.String(),
  teamType: Type.String(),
  teamTypeLabel: Type.String(),
  specialities: Type.Array(Type.String()),
  headcount: nullable(Type.Integer()),
  minimumHeadcount: nullable(Type.Integer({ description: '乡镇（街道）级 30 人、村（社区）级 10 人' })),
  leaderPersonId: nullable(Type.Integer()),
  leaderName: nullable(Type.String()),
  establishedOn: nullable(Type.String({ format: 'date' })),
  insured: Type.Boolean(),
  insuranceUntil: nullable(Type.String({ format: 'date' })),
  equipmentSummary: nullable(Type.String()),
})
export type TeamDetail = Static<typeof TeamDetail>

type TeamValues = {
  level: string; teamType: string; specialities: string[]; headcount: number; leaderPersonId: number | null
  establishedOn: string | null; insured: boolean; insuranceUntil: string | null; equipmentSummary: string | null
}

export const teams: KindModule<TeamDetailInput, TeamValues, TeamDetail> = {
  kind: 'team',
  titles: { ...DEFAULT_TITLES, name: '队伍名称' },
  requiresResponsible: false,
  input: TeamDetailInput,
  output: TeamDetail,
  filters: {
    level: Type.Optional(Type.Enum(Object.keys(TEAM_LEVELS), { title: '队伍层级' })),
    teamType: Type.Optional(Type.Enum(Object.keys(TEAM_TYPES), { title: '队伍类型' })),
    speciality: Type.Optional(Type.String({ maxLength: 20, title: '专业方向' })),
  },

  async values(d, person) {
    return {
      level: d.level,
      teamType: d.teamType,
      specialities: textList(d.specialities),
      headcount: d.headcount,
      leaderPersonId: await person('detail.leaderPersonId', '队长', d.leaderPersonId),
      establishedOn: d.establishedOn ?? null,
      insured: d.insured,
      insuranceUntil: d.insuranceUntil ?? null,
      equipmentSummary: text(d.equipmentSummary),
    }
  },

  async save(trx, id, v) {
    await trx.insertInto('team').values({ resourceId: id, ...v })
      .onConflict((oc) => oc.column('resourceId').doUpdateSet(v)).execute()
  },

  raw: (trx, id) => trx.selectFrom('team').selectAll().where('resourceId', '=', id).executeTakeFirst(),

  async load(db, scope, ids) {
    if (ids.length === 0) return new Map()
    const rows = await db.selectFrom('team as t')
      .leftJoin('person as p', (j) => j.onRef('p.id', '=', 't.leaderPersonId').on(inScope('p.regionCode', scope)))
      .select([
        't.resourceId', 't.level', 't.teamType', 't.specialities', 't.headcount', 't.leaderPersonId', 'p.name as leaderName',
        't.establishedOn', 't.insured', 't.insuranceUntil', 't.equipmentSummary',
      ])
      .where('t.resourceId', 'in', ids).execute()
    return new Map(rows.map(({ resourceId, ...t }) => [resourceId, {
      ...t,
      levelLabel: label(TEAM_LEVELS, t.level),
      teamTypeLabel: label(TEAM_TYPES, t.teamType),
      minimumHeadcount: MIN_TEAM_HEADCOUNT[t.level as TeamLevel] ?? null,
      // A leader moved out of the jurisdiction is not named.
      leaderPersonId: t.leaderName === null ? null : t.leaderPersonId,
    }]))
  },

  matching(db, f) {
    if (f.level === undefined && f.teamType === undefined && f.speciality === undefined) return null
    const ids = db.selectFrom('team').select('resourceId')
      .$if(f.level !== undefined, (q) => q.where('level', '=', f.level!))
      .$if(f.teamType !== undefined, (q) => q.where('teamType', '=', f.teamType!))
      .$if(f.speciality !== undefined, (q) => q.where(sql<SqlBool>`${f.speciality!.trim()} = any(specialities)`))
    return sql<SqlBool>`r.id in (${ids})`
  },

  warnings(d) {
    const out: string[] = []
    const shortfall = headcountShortfall(d.level, d.headcount)
    if (shortfall) out.push(shortfall)
    if (!d.insured) out.push('未为队员购买人身意外伤害保险（突发事件应对法第四十条）')
    else if (d.insuranceUntil !== null && d.insuranceUntil < chinaToday()) out.push(`队员人身意外伤害保险已于 ${d.insuranceUntil} 到期`)
    return out
  },

  contactWarnings: { missing: '未指定队伍负责人', noPhone: '队伍负责人未登记联系电话' },
}
