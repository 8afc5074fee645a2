import { sql } from 'kysely'
import { jurisdictionPrefix } from '../../../domain/regions/code.js'
import { classifySupplyName, OTHER_SUPPLY_CLASS, type SupplyClassSeed } from '../../../domain/resources/supply-classes.js'
import type { Db } from '../../db/database.js'
import { recordAudit, SYSTEM_ACTOR } from '../audit/record.js'
import { seededRandom, seedOf } from '../../../domain/seeded-random.js'
import { addDays, chinaToday } from '../../../domain/calendar.js'

/**
 * Demo supply and equipment lines for a fresh deployment: the items townships and villages keep
 * against floods, forest fires and ice storms, at the demo storage points (or, before there are
 * any, at township level without a point). The same root gives the same lines; dates are
 * counted from today so that “expiring soon” and “maintenance due” always have examples.
 */

type Item = {
  name: string; unit: string; spec: string | null; equipment: boolean; min: number; max: number
  /** Shelf life in years, for items that age (expiry dates). */
  lifeYears?: number
  /** Maintenance cycle in days, for machines. */
  cycle?: number
  /** Stock in tenths (tons of sand). */
  fractional?: boolean
}

const TOWNSHIP_ITEMS: Item[] = [
  { name: '冲锋舟', unit: '艘', spec: '玻璃钢 6 人 40 马力', equipment: true, min: 1, max: 4, cycle: 180 },
  { name: '橡皮艇', unit: '艘', spec: '充气式 4 人', equipment: true, min: 1, max: 3, cycle: 180, lifeYears: 8 },
  { name: '救生衣', unit: '件', spec: '成人 船用', equipment: false, min: 50, max: 300, lifeYears: 5 },
  { name: '救生圈', unit: '只', spec: '2.5 kg', equipment: false, min: 20, max: 100, lifeYears: 5 },
  { name: '编织袋', unit: '只', spec: '55×95 cm', equipment: false, min: 1000, max: 10000, lifeYears: 3 },
  { name: '沙袋', unit: '只', spec: '装填式', equipment: false, min: 500, max: 3000 },
  { name: '防汛砂石', unit: '吨', spec: null, equipment: false, min: 5, max: 60, fractional: true },
  { name: '抽水泵', unit: '台', spec: '潜水泵 100 m³/h', equipment: true, min: 2, max: 10, cycle: 90 },
  { name: '发电机', unit: '台', spec: '柴油 10 kW', equipment: true, min: 1, max: 4, cycle: 90 },
  { name: '应急灯', unit: '只', spec: '充电式 LED', equipment: true, min: 20, max: 100, cycle: 180 },
  { name: '帐篷', unit: '顶', spec: '单帐篷 12 m²', equipment: false, min: 10, max: 60 },
  { name: '棉被', unit: '床', spec: '2 kg', equipment: false, min: 50, max: 300, lifeYears: 6 },
  { name: '油锯', unit: '台', spec: '汽油 2.2 kW', equipment: true, min: 2, max: 8, cycle: 180 },
  { name: '风力灭火机', unit: '台', spec: '背负式', equipment: true, min: 5, max: 20, cycle: 180 },
  { name: '铁锹', unit: '把', spec: null, equipment: false, min: 50, max: 200 },
  { name: '雨衣', unit: '件', spec: '分体式', equipment: false, min: 50, max: 200 },
]
const VILLAGE_ITEMS = ['救生衣', '救生圈', '编织袋', '铁锹', '雨衣', '应急灯', '抽水泵', '棉被']
  .map((n) => TOWNSHIP_ITEMS.find((i) => i.name === n)!)

export type DemoPlace = {
  regionCode: string; level: string; storagePointId: number | null
  lng: number | null; lat: number | null; responsiblePersonId: number | null; liaisonPersonId: number | null
}

export type PlannedLine = {
  regionCode: string; classCode: string; name: string; specification: string | null; unit: string; isEquipment: boolean
  storagePointId: number | null; condition: string; quantity: number; purchasedOn: string; expiresOn: string | null
  maintainedOn: string | null; maintenanceCycleDays: number | null; responsiblePersonId: number | null
  liaisonPersonId: number | null; lng: number | null; lat: number | null; confirmedDaysAgo: number
}

/** The lines for each place, from the places and the class table alone. */
export function planDemoSupplies(
  places: readonly DemoPlace[], classes: readonly SupplyClassSeed[], rootCode: string, today: string,
): PlannedLine[] {
  const random = seededRandom(seedOf(`supplies:${rootCode}`))
  const between = (min: number, max: number) => min + Math.floor(random() * (max - min + 1))
  const lines: PlannedLine[] = []
  for (const place of places) {
    const village = place.level === 'village'
    const catalogue = village ? VILLAGE_ITEMS : TOWNSHIP_ITEMS
    const count = Math.min(catalogue.length, village ? between(3, 8) : between(8, 20))
    // A random choice of distinct items, in catalogue order.
    const chosen = catalogue.map((item) => ({ item, key: random() })).sort((a, b) => a.key - b.key).slice(0, count)
      .sort((a, b) => catalogue.indexOf(a.item) - catalogue.indexOf(b.item)).map((c) => c.item)
    for (const item of chosen) {
      const scale = village ? 0.3 : 1
      const low = Math.max(1, Math.round(item.min * scale))
      const high = Math.max(low, Math.round(item.max * scale))
      const quantity = item.fractional ? between(low * 10, high * 10) / 10 : between(low, high)
      const roll = random()
      const condition = item.equipment && roll < 0.08 ? 'repair' : item.equipment && roll < 0.11 ? 'scrapped' : 'good'
      const purchasedOn = addDays(today, -between(200, 2200))
      let expiresOn: string | null = null
      if (item.lifeYears) {
        const e = random()
        // Mostly well in date; some within two months; a few already expired.
        expiresOn = e < 0.1 ? addDays(today, between(1, 60)) : e < 0.15 ? addDays(today, -between(1, 200)) : addDays(today, between(120, item.lifeYears * 365))
      }
      const cycle = item.cycle ?? null
      const maintainedOn = cycle === null ? null : addDays(today, -(random() < 0.15 ? between(cycle, cycle * 2) : between(0, cycle - 1)))
      lines.push({
        regionCode: place.regionCode,
        classCode: classifySupplyName(item.name, classes) ?? OTHER_SUPPLY_CLASS,
        name: item.name, specification: item.spec, unit: item.unit, isEquipment: item.equipment,
        storagePointId: place.storagePointId, condition, quantity, purchasedOn, expiresOn,
        maintainedOn, maintenanceCycleDays: cycle,
        responsiblePersonId: place.responsiblePersonId, liaisonPersonId: place.liaisonPersonId,
        lng: place.lng, lat: place.lat,
        // Most confirmed this half-year; some overdue, so the freshness check has something to show.
        confirmedDaysAgo: random() < 0.15 ? between(200, 400) : between(0, 150),
      })
    }
  }
  return lines
}

const BATCH = 5000

/**
 * Writes the demo lines under `rootCode`, each with its opening 入库 “建账（演示）”, in one
 * transaction with one summary audit entry. Does nothing when demo lines already exist there.
 */
export async function seedDemoSupplies(db: Db, rootCode: string): Promise<{ lines: number; storagePoints: number }> {
  const prefix = jurisdictionPrefix(rootCode)
  return db.transaction().execute(async (trx) => {
    const already = await trx.selectFrom('supply').select('id').where('isDemo', '=', true).where('regionCode', 'like', `${prefix}%`).limit(1).executeTakeFirst()
    if (already) return { lines: 0, storagePoints: 0 }
    const points = await trx.selectFrom('resource as p').innerJoin('region as r', 'r.code', 'p.regionCode')
      .select(['p.id', 'p.regionCode', 'r.level', 'p.lng', 'p.lat', 'p.responsiblePersonId', 'p.liaisonPersonId'])
      .where('p.kind', '=', 'storage_point').where('p.isDemo', '=', true).where('p.regionCode', 'like', `${prefix}%`)
      .orderBy('p.id').execute()
    const places: DemoPlace[] = points.length > 0
      ? points.map((p) => ({ ...p, storagePointId: p.id }))
      : (await trx.selectFrom('region').select(['code', 'level']).where('code', 'like', `${prefix}%`).where('level', '=', 'township').orderBy('code').execute())
          .map((r) => ({ regionCode: r.code, level: r.level, storagePointId: null, lng: null, lat: null, responsiblePersonId: null, liaisonPersonId: null }))
    const classes = await trx.selectFrom('supplyClass').select(['code', 'name', 'keywords']).execute()
    const lines = planDemoSupplies(places, classes, rootCode, chinaToday())

    for (let i = 0; i < lines.length; i += BATCH) {
      const rows = lines.slice(i, i + BATCH)
      const col = <T>(f: (l: PlannedLine) => T) => rows.map(f)
      // Column arrays through unnest: one statement per batch; the ledger rows come from the same insert.
      await sql`
        with s as (
          insert into supply (region_code, class_code, name, specification, unit, is_equipment, storage_point_id, condition,
            quantity, purchased_on, expires_on, maintained_on, maintenance_cycle_days, responsible_person_id, liaison_person_id,
            lng, lat, note, confirmed_at, confirmed_by_name, is_demo)
          select region_code, class_code, name, specification, unit, is_equipment, storage_point_id, condition,
            quantity, purchased_on, expires_on, maintained_on, maintenance_cycle_days, responsible_person_id, liaison_person_id,
            lng, lat, '演示数据', now() - make_interval(days => confirmed_days_ago), '系统（演示）', true
          from unnest(
            ${col((l) => l.regionCode)}::text[], ${col((l) => l.classCode)}::text[], ${col((l) => l.name)}::text[],
            ${col((l) => l.specification)}::text[], ${col((l) => l.unit)}::text[], ${col((l) => l.isEquipment)}::boolean[],
            ${col((l) => l.storagePointId)}::bigint[], ${col((l) => l.condition)}::text[], ${col((l) => l.quantity)}::numeric[],
            ${col((l) => l.purchasedOn)}::date[], ${col((l) => l.expiresOn)}::date[], ${col((l) => l.maintainedOn)}::date[],
            ${col((l) => l.maintenanceCycleDays)}::int[], ${col((l) => l.responsiblePersonId)}::bigint[],
            ${col((l) => l.liaisonPersonId)}::bigint[], ${col((l) => l.lng)}::float8[], ${col((l) => l.lat)}::float8[],
            ${col((l) => l.confirmedDaysAgo)}::int[]
          ) as t(region_code, class_code, name, specification, unit, is_equipment, storage_point_id, condition,
            quantity, purchased_on, expires_on, maintained_on, maintenance_cycle_days, responsible_person_id, liaison_person_id,
            lng, lat, confirmed_days_ago)
          returning id, quantity, purchased_on
        )
        insert into stock_movement (supply_id, kind, delta, balance, reason, actor_name, at)
        select id, 'in', quantity, quantity, '建账（演示）', '系统（演示）', purchased_on::timestamptz from s`.execute(trx)
    }

    const counts = { lines: lines.length, storagePoints: points.length }
    await recordAudit(trx, SYSTEM_ACTOR, { action: 'demo.seeded', entity: 'supplies', regionCode: rootCode, after: counts })
    return counts
  })
}
