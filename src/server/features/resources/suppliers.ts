import { Type, type Static } from 'typebox'
import { checkCreditCode } from '../../../domain/people/units.js'
import { inScope } from '../../db/scope.js'
import { badField } from '../../errors.js'
import { text } from '../../shared/input.js'
import { agreementInForce, agreementEndingWithin, AGREEMENT_ENDING_DAYS } from './agreements.js'
import { type KindModule } from './kind.js'
import { DEFAULT_TITLES, nullable, optionalText } from './schema.js'
import { chinaToday } from '../../../domain/calendar.js'

/** 保供单位 (supply-guarantee enterprises); their signed agreements are in agreements.ts. */

export const SupplierDetailInput = Type.Object({
  creditCode: optionalText('统一社会信用代码', 30),
  suppliesSummary: optionalText('保供物资概述', 1000),
}, { additionalProperties: false })
export type SupplierDetailInput = Static<typeof SupplierDetailInput>

export const SupplierDetail = Type.Object({
  creditCode: nullable(Type.String()),
  suppliesSummary: nullable(Type.String()),
  agreementsInForce: Type.Integer({ description: '有效期内的协议份数' }),
  agreementsEnding: Type.Integer({ description: '30 天内到期的协议份数' }),
})
export type SupplierDetail = Static<typeof SupplierDetail>

type SupplierValues = { creditCode: string | null; suppliesSummary: string | null }

export const suppliers: KindModule<SupplierDetailInput, SupplierValues, SupplierDetail> = {
  kind: 'supplier',
  titles: { ...DEFAULT_TITLES, name: '单位名称' },
  requiresResponsible: false,
  input: SupplierDetailInput,
  output: SupplierDetail,
  filters: {},

  async values(d) {
    const raw = text(d.creditCode)
    let creditCode: string | null = null
    if (raw !== null) {
      const check = checkCreditCode(raw)
      if (!check.ok) throw badField('detail.creditCode', '统一社会信用代码', raw, check.reason)
      creditCode = check.value
    }
    return { creditCode, suppliesSummary: text(d.suppliesSummary) }
  },

  async save(trx, id, v) {
    await trx.insertInto('supplier').values({ resourceId: id, ...v })
      .onConflict((oc) => oc.column('resourceId').doUpdateSet(v)).execute()
  },

  raw: (trx, id) => trx.selectFrom('supplier').selectAll().where('resourceId', '=', id).executeTakeFirst(),

  async load(db, scope, ids) {
    if (ids.length === 0) return new Map()
    const today = chinaToday()
    const rows = await db.selectFrom('supplier').select(['resourceId', 'creditCode', 'suppliesSummary'])
      .where('resourceId', 'in', ids).execute()
    const counts = await db.selectFrom('supplyAgreement as a')
      .select((eb) => [
        'a.supplierId',
        eb.fn.countAll<number>().filterWhere(agreementInForce(today)).as('inForce'),
        eb.fn.countAll<number>().filterWhere(agreementEndingWithin(today, AGREEMENT_ENDING_DAYS)).as('ending'),
      ])
      .where('a.supplierId', 'in', ids).where(inScope('a.regionCode', scope)).groupBy('a.supplierId').execute()
    const bySupplier = new Map(counts.map((c) => [c.supplierId, c]))
    return new Map(rows.map(({ resourceId, ...s }) => [resourceId, {
      ...s,
      agreementsInForce: bySupplier.get(resourceId)?.inForce ?? 0,
      agreementsEnding: bySupplier.get(resourceId)?.ending ?? 0,
    }]))
  },

  matching: () => null,

  warnings: (d) => (d.agreementsInForce === 0 ? ['没有在有效期内的保供协议'] : []),

  contactWarnings: { missing: '未指定保供单位负责人', noPhone: '保供单位负责人未登记联系电话' },
}
