import { sql, type SqlBool } from 'kysely'
import { Type, type Static } from 'typebox'
import { HAZARD_TYPES, label, RISK_LEVELS, RISK_STATES } from '../../../domain/resources/kinds.js'
import { inScope } from '../../db/scope.js'
import { text } from '../../shared/input.js'
import type { KindModule } from './kind.js'
import { DEFAULT_TITLES, nullable, optionalId, optionalInteger, optionalText } from './schema.js'

/** 风险隐患点: found by surveys, watched by a monitor until rectified and struck off (销号). */

export const RiskDetailInput = Type.Object({
  hazardType: Type.Enum([...HAZARD_TYPES], { title: '隐患类型' }),
  level: Type.Enum(Object.keys(RISK_LEVELS), { title: '隐患等级' }),
  state: Type.Enum(Object.keys(RISK_STATES), { title: '处置状态' }),
  monitorPersonId: optionalId('监测责任人'),
  measures: optionalText('防范措施', 1000),
  threatenedPeople: optionalInteger('威胁人数', 0, 10_000_000),
}, { additionalProperties: false })
export type RiskDetailInput = Static<typeof RiskDetailInput>

export const RiskDetail = Type.Object({
  hazardType: Type.String(),
  level: Type.String(),
  levelLabel: Type.String(),
  state: Type.String(),
  stateLabel: Type.String(),
  monitorPersonId: nullable(Type.Integer()),
  monitorName: nullable(Type.String()),
  measures: nullable(Type.String()),
  threatenedPeople: nullable(Type.Integer()),
})
export type RiskDetail = Static<typeof RiskDetail>

type RiskValues = {
  hazardType: string; level: string; state: string; monitorPersonId: number | null; measures: string | null; threatenedPeople: number | null
}

export const riskPoints: KindModule<RiskDetailInput, RiskValues, RiskDetail> = {
  kind: 'risk_point',
  titles: { ...DEFAULT_TITLES, name: '隐患点名称' },
  requiresResponsible: false,
  input: RiskDetailInput,
  output: RiskDetail,
  filters: {
    hazardType: Type.Optional(Type.Enum([...HAZARD_TYPES], { title: '隐患类型' })),
    riskLevel: Type.Optional(Type.Enum(Object.keys(RISK_LEVELS), { title: '隐患等级' })),
    state: Type.Optional(Type.Enum(Object.keys(RISK_STATES), { title: '处置状态' })),
  },

  async values(d, person) {
    return {
      hazardType: d.hazardType,
      level: d.level,
      state: d.state,
      monitorPersonId: await person('detail.monitorPersonId', '监测责任人', d.monitorPersonId),
      measures: text(d.measures),
      threatenedPeople: d.threatenedPeople ?? null,
    }
  },

  async save(trx, id, v) {
    await trx.insertInto('riskPoint').values({ resourceId: id, ...v })
      .onConflict((oc) => oc.column('resourceId').doUpdateSet(v)).execute()
  },

  raw: (trx, id) => trx.selectFrom('riskPoint').selectAll().where('resourceId', '=', id).executeTakeFirst(),

  async load(db, scope, ids) {
    if (ids.length === 0) return new Map()
    const rows = await db.selectFrom('riskPoint as k')
      .leftJoin('person as p', (j) => j.onRef('p.id', '=', 'k.monitorPersonId').on(inScope('p.regionCode', scope)))
      .select(['k.resourceId', 'k.hazardType', 'k.level', 'k.state', 'k.monitorPersonId', 'p.name as monitorName', 'k.measures', 'k.threatenedPeople'])
      .where('k.resourceId', 'in', ids).execute()
    return new Map(rows.map(({ resourceId, ...k }) => [resourceId, {
      ...k,
      levelLabel: label(RISK_LEVELS, k.level),
      stateLabel: label(RISK_STATES, k.state),
      monitorPersonId: k.monitorName === null ? null : k.monitorPersonId,
    }]))
  },

  matching(db, f) {
    if (f.hazardType === undefined && f.riskLevel === undefined && f.state === undefined) return null
    const ids = db.selectFrom('riskPoint').select('resourceId')
      .$if(f.hazardType !== undefined, (q) => q.where('hazardType', '=', f.hazardType!))
      .$if(f.riskLevel !== undefined, (q) => q.where('level', '=', f.riskLevel!))
      .$if(f.state !== undefined, (q) => q.where('state', '=', f.state!))
    return sql<SqlBool>`r.id in (${ids})`
  },

  warnings(d) {
    if (d.state === 'eliminated') return []
    const out: string[] = []
    if (d.monitorPersonId === null) out.push('未指定监测责任人')
    if (d.level === 'major' && d.measures === null) out.push('重大隐患未填写防范措施')
    return out
  },

  contactWarnings: { missing: '未指定隐患点负责人', noPhone: '隐患点负责人未登记联系电话' },
}
