import { sql } from 'kysely'
import type { DrawnLayer } from '../../../domain/map/layers.js'
import { storedSource } from '../../../domain/map/position-sources.js'
import { maskPhone } from '../../../domain/people/phone.js'
import { CONDITIONS, label, RESOURCE_KINDS, type ResourceKind } from '../../../domain/resources/kinds.js'
import type { Db } from '../../db/database.js'
import { inScope, type Scope } from '../../db/scope.js'
import { notFound } from '../../errors.js'
import { freshnessDays, isStale } from '../resources/freshness.js'
import { resourceContacts, supplyContacts } from '../resources/handover.js'
import type { PointReply } from './schema.js'

/**
 * The popup of one point: what it is, how much, in what state, whom to call (masked; keeper first,
 * see resources/handover.ts), and where its record is.
 */

/** Web routes of the record pages (src/web/features/resources|supplies/routes.tsx). */
const PAGE: Record<DrawnLayer, string> = {
  team: '/teams', expert: '/experts', storage_point: '/storage-points', shelter: '/shelters',
  risk_point: '/risk-points', supplier: '/suppliers', supply: '/supplies',
}

const TOP_SUPPLIES = 20

type ContactRow = { name: string | null; post: string | null; mobile: string | null }
const contact = (c: ContactRow) => (c.name === null ? null : { name: c.name, post: c.post, mobile: maskPhone(c.mobile) })

/** Kind-specific facts worth a glance; person ids are left out, names come through the contacts. */
async function detailOf(db: Db, kind: ResourceKind, id: number): Promise<Record<string, unknown> | undefined> {
  const table = ({ team: 'team', expert: 'expert', storage_point: 'storagePoint', shelter: 'shelter', risk_point: 'riskPoint', supplier: 'supplier' } as const)[kind]
  const row = await db.selectFrom(table).selectAll().where('resourceId', '=', id).executeTakeFirst()
  if (!row) return undefined
  return Object.fromEntries(Object.entries(row).filter(([k, v]) => k !== 'resourceId' && !k.endsWith('PersonId') && v !== null))
}

async function resourcePoint(db: Db, scope: Scope, kind: ResourceKind, id: number, days: number): Promise<PointReply> {
  const r = await db.selectFrom('resource as r')
    .innerJoin('region as g', 'g.code', 'r.regionCode')
    // People outside the jurisdiction stay out, as in the resource pages.
    .leftJoin('person as rp', (j) => j.onRef('rp.id', '=', 'r.responsiblePersonId').on(inScope('rp.regionCode', scope)))
    .leftJoin('person as lp', (j) => j.onRef('lp.id', '=', 'r.liaisonPersonId').on(inScope('lp.regionCode', scope)))
    .select([
      'r.id', 'r.name', 'r.regionCode', 'g.fullName as regionName', 'r.address', 'r.lng', 'r.lat', 'r.positionSource', 'r.confirmedAt', 'r.version',
      'rp.name as rpName', 'rp.post as rpPost', 'rp.mobile as rpMobile', 'lp.name as lpName', 'lp.post as lpPost', 'lp.mobile as lpMobile',
      isStale('r.confirmedAt', days).as('stale'),
    ])
    .where('r.id', '=', id).where('r.kind', '=', kind).where(inScope('r.regionCode', scope)).executeTakeFirst()
  if (!r) throw notFound(RESOURCE_KINDS[kind], id)
  const reply: PointReply = {
    layer: kind, id: r.id, name: r.name, kindLabel: RESOURCE_KINDS[kind], regionCode: r.regionCode, regionName: r.regionName,
    address: r.address, lng: r.lng, lat: r.lat, positionSource: storedSource(r.positionSource),
    responsible: contact({ name: r.rpName, post: r.rpPost, mobile: r.rpMobile }),
    liaison: contact({ name: r.lpName, post: r.lpPost, mobile: r.lpMobile }),
    contacts: (await resourceContacts(db, scope, [id])).get(id) ?? [],
    confirmedAt: r.confirmedAt?.toISOString() ?? null, stale: Boolean(r.stale), version: r.version,
    detail: await detailOf(db, kind, id),
    link: `${PAGE[kind]}?id=${id}`,
  }
  if (kind === 'storage_point') {
    const lines = db.selectFrom('supply').where('storagePointId', '=', id).where(inScope('regionCode', scope))
    const top = await lines.select(['id', 'name', 'quantity', 'unit', 'condition'])
      .orderBy('isEquipment', 'desc').orderBy('quantity', 'desc').orderBy('id').limit(TOP_SUPPLIES).execute()
    const { n } = await lines.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()
    reply.supplies = top.map((s) => ({ id: s.id, name: s.name, quantity: Number(s.quantity), unit: s.unit, conditionLabel: label(CONDITIONS, s.condition) }))
    reply.suppliesTotal = n
  }
  return reply
}

async function supplyPoint(db: Db, scope: Scope, id: number, days: number): Promise<PointReply> {
  const s = await db.selectFrom('supply as s')
    .innerJoin('region as g', 'g.code', 's.regionCode')
    .innerJoin('supplyClass as c', 'c.code', 's.classCode')
    .leftJoin('person as rp', (j) => j.onRef('rp.id', '=', 's.responsiblePersonId').on(inScope('rp.regionCode', scope)))
    .leftJoin('person as lp', (j) => j.onRef('lp.id', '=', 's.liaisonPersonId').on(inScope('lp.regionCode', scope)))
    .select([
      's.id', 's.name', 'c.name as className', 's.regionCode', 'g.fullName as regionName', 's.address', 's.lng', 's.lat', 's.positionSource', 's.confirmedAt',
      's.version', 's.quantity', 's.unit', 's.condition', 's.specification', 's.isEquipment', 's.expiresOn', 's.storagePointId',
      'rp.name as rpName', 'rp.post as rpPost', 'rp.mobile as rpMobile', 'lp.name as lpName', 'lp.post as lpPost', 'lp.mobile as lpMobile',
      isStale('s.confirmedAt', days).as('stale'),
    ])
    .where('s.id', '=', id).where(inScope('s.regionCode', scope)).executeTakeFirst()
  if (!s) throw notFound('物资装备', id)
  return {
    layer: 'supply', id: s.id, name: s.name, kindLabel: s.className, regionCode: s.regionCode, regionName: s.regionName,
    address: s.address, lng: s.lng, lat: s.lat, positionSource: storedSource(s.positionSource),
    responsible: contact({ name: s.rpName, post: s.rpPost, mobile: s.rpMobile }),
    liaison: contact({ name: s.lpName, post: s.lpPost, mobile: s.lpMobile }),
    contacts: (await supplyContacts(db, scope, [id])).get(id) ?? [],
    confirmedAt: s.confirmedAt?.toISOString() ?? null, stale: Boolean(s.stale), version: s.version,
    condition: s.condition, conditionLabel: label(CONDITIONS, s.condition), quantity: Number(s.quantity), unit: s.unit,
    detail: Object.fromEntries(Object.entries({
      specification: s.specification, isEquipment: s.isEquipment, expiresOn: s.expiresOn, storagePointId: s.storagePointId,
    }).filter(([, v]) => v !== null)),
    link: `${PAGE.supply}?id=${id}`,
  }
}

export async function mapPoint(db: Db, scope: Scope, layer: DrawnLayer, id: number): Promise<PointReply> {
  const days = await freshnessDays(db)
  return layer === 'supply' ? supplyPoint(db, scope, id, days) : resourcePoint(db, scope, layer, id, days)
}
