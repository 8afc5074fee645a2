import type { Db } from '../../db/database.js'

/**
 * Rows for roll-up tests, written straight into the tables so that the tests depend on the
 * schema only, not on the resource and supply CRUD. Imported only by *.test.ts.
 */

type ResourceBase = { regionCode: string; name?: string; status?: 'active' | 'inactive'; confirmedAt?: Date | null }

let seq = 0
const nextName = (prefix: string) => `${prefix}${++seq}`

async function addResource(db: Db, kind: string, r: ResourceBase): Promise<number> {
  const row = await db.insertInto('resource').values({
    kind, regionCode: r.regionCode, name: r.name ?? nextName(kind), status: r.status ?? 'active',
    confirmedAt: r.confirmedAt === undefined ? new Date() : r.confirmedAt,
    ownerUnitId: null, responsiblePersonId: null, liaisonPersonId: null, address: null, lng: null, lat: null,
    note: null, confirmedByName: null, importKey: null,
  }).returning('id').executeTakeFirstOrThrow()
  return row.id
}

export async function addTeam(db: Db, t: ResourceBase & {
  level?: string; headcount?: number | null; insured?: boolean; insuranceUntil?: string | null
}): Promise<number> {
  const id = await addResource(db, 'team', t)
  await db.insertInto('team').values({
    resourceId: id, level: t.level ?? 'township', teamType: 'grassroots', headcount: t.headcount ?? null,
    leaderPersonId: null, establishedOn: null, insured: t.insured ?? true, insuranceUntil: t.insuranceUntil ?? null,
    equipmentSummary: null,
  }).execute()
  return id
}

export async function addShelter(db: Db, s: ResourceBase & { capacity: number }): Promise<number> {
  const id = await addResource(db, 'shelter', s)
  await db.insertInto('shelter').values({ resourceId: id, gb21734Class: 'III', level: null, effectiveAreaM2: s.capacity * 2, capacity: s.capacity }).execute()
  return id
}

export async function addRiskPoint(db: Db, p: ResourceBase & { level: 'general' | 'major'; state?: string }): Promise<number> {
  const id = await addResource(db, 'risk_point', p)
  await db.insertInto('riskPoint').values({
    resourceId: id, hazardType: '地质灾害', level: p.level, state: p.state ?? 'monitoring',
    monitorPersonId: null, measures: null, threatenedPeople: null,
  }).execute()
  return id
}

export async function addStoragePoint(db: Db, p: ResourceBase): Promise<number> {
  const id = await addResource(db, 'storage_point', p)
  await db.insertInto('storagePoint').values({ resourceId: id, areaM2: null, volumeM3: null, keeperPersonId: null }).execute()
  return id
}

export async function addExpert(db: Db, e: ResourceBase): Promise<number> {
  const id = await addResource(db, 'expert', e)
  await db.insertInto('expert').values({ resourceId: id, domain: 'natural', groupCode: null, title: null, speciality: null, workUnit: null }).execute()
  return id
}

export async function addSupplier(db: Db, s: ResourceBase): Promise<number> {
  const id = await addResource(db, 'supplier', s)
  await db.insertInto('supplier').values({ resourceId: id, creditCode: null, suppliesSummary: null }).execute()
  return id
}

export type SupplyFixture = {
  regionCode: string
  name: string
  quantity: number
  unit?: string
  classCode?: string
  isEquipment?: boolean
  condition?: 'good' | 'repair' | 'scrapped'
  expiresOn?: string | null
  maintainedOn?: string | null
  maintenanceCycleDays?: number | null
  confirmedAt?: Date | null
}

/** A supply line with its opening stock movement, as the stock rules keep them. */
export async function addSupply(db: Db, s: SupplyFixture): Promise<number> {
  const row = await db.insertInto('supply').values({
    regionCode: s.regionCode, classCode: s.classCode ?? '2000000', name: s.name, specification: null,
    unit: s.unit ?? '件', isEquipment: s.isEquipment ?? false, storagePointId: null, teamId: null, holderUnitId: null,
    condition: s.condition ?? 'good', quantity: s.quantity, purchasedOn: null, expiresOn: s.expiresOn ?? null,
    maintainedOn: s.maintainedOn ?? null, maintenanceCycleDays: s.maintenanceCycleDays ?? null,
    responsiblePersonId: null, liaisonPersonId: null, address: null, lng: null, lat: null, note: null,
    confirmedAt: s.confirmedAt === undefined ? new Date() : s.confirmedAt, confirmedByName: null, importKey: null,
  }).returning('id').executeTakeFirstOrThrow()
  if (s.quantity > 0) {
    await db.insertInto('stockMovement').values({
      supplyId: row.id, kind: 'in', delta: s.quantity, balance: s.quantity, reason: '期初', counterpartSupplyId: null,
      importId: null, actorId: null, actorName: '测试',
    }).execute()
  }
  return row.id
}

export async function addAgreement(db: Db, a: { supplierId: number; regionCode: string; itemName: string; endsOn: string | null }): Promise<number> {
  const row = await db.insertInto('supplyAgreement').values({
    supplierId: a.supplierId, regionCode: a.regionCode, classCode: null, itemName: a.itemName, quantity: null, unit: null,
    startsOn: null, endsOn: a.endsOn, responseHours: null,
  }).returning('id').executeTakeFirstOrThrow()
  return row.id
}

export async function addUnit(db: Db, u: { regionCode: string; kind: string; name?: string }): Promise<number> {
  const row = await db.insertInto('unit').values({
    regionCode: u.regionCode, name: u.name ?? nextName('单位'), kind: u.kind, creditCode: null, address: null, phone: null, parentUnitId: null,
  }).returning('id').executeTakeFirstOrThrow()
  return row.id
}

export async function addPerson(db: Db, p: { regionCode: string; roles: string[]; unitId?: number | null; name?: string }): Promise<number> {
  const row = await db.insertInto('person').values({
    regionCode: p.regionCode, unitId: p.unitId ?? null, name: p.name ?? nextName('人员'), post: null, mobile: null, landline: null,
    wechat: null, roles: p.roles, note: null,
  }).returning('id').executeTakeFirstOrThrow()
  return row.id
}

export async function addLeadingGroup(db: Db, g: { regionCode: string; name?: string }): Promise<number> {
  const row = await db.insertInto('leadingGroup').values({
    regionCode: g.regionCode, name: g.name ?? nextName('应急领导小组'), officeUnitId: null, officeAddress: null, officePhone: null,
  }).returning('id').executeTakeFirstOrThrow()
  return row.id
}

/** A calendar day `days` after `date` (YYYY-MM-DD), negative for before. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

export const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000)
