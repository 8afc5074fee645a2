import type { Annex } from '../../../domain/ledgers/annexes.js'
import { maskPhone } from '../../../domain/people/phone.js'
import type { Db } from '../../db/database.js'
import { inScope, type Scope } from '../../db/scope.js'
import { places, type RegionNames } from './export-rows.js'
import type { LedgerCells } from './workbook.js'

/**
 * Rows of the other ledgers (domain/ledgers/tables.ts) for a region subtree, ordered by region
 * code, then name: cells keyed by the table's column keys, enum columns by their stored key
 * (the workbook writes the label). What is written reads back through the import as the same
 * records: nothing changes on a round trip.
 */

const phone = (mobile: string | null, landline: string | null, reveal: boolean) => {
  const value = mobile ?? landline
  return reveal ? value : maskPhone(value)
}

export function tableRows(db: Db, annex: Annex, subtree: Scope, names: RegionNames, reveal: boolean): AsyncIterable<LedgerCells> {
  switch (annex.entity) {
    case 'expert': return expertRows(db, subtree, names, reveal)
    case 'shelter': return shelterRows(db, subtree, names, reveal)
    case 'riskPoint': return riskRows(db, subtree, names, reveal)
    case 'storagePoint': return storageRows(db, subtree, names, reveal)
    case 'supplier': return supplierRows(db, subtree, names, reveal)
    default: return memberRows(db, subtree, names, reveal)
  }
}

/** Rows the export will hold, for the audit entry written before any data leaves. */
export async function countTableRows(db: Db, annex: Annex, subtree: Scope): Promise<number> {
  let n = 0
  for await (const _ of tableRows(db, annex, subtree, new Map(), false)) n++
  return n
}

/** The resources of a kind with their responsible person, in export order. */
function resources(db: Db, kind: string, subtree: Scope) {
  return db.selectFrom('resource as r')
    .leftJoin('person as rp', 'rp.id', 'r.responsiblePersonId')
    .select(['r.id', 'r.regionCode', 'r.name', 'r.address', 'r.lng', 'r.lat', 'r.note', 'rp.name as rpName', 'rp.mobile as rpMobile', 'rp.landline as rpLandline'])
    .where('r.kind', '=', kind).where(inScope('r.regionCode', subtree))
    .orderBy('r.regionCode').orderBy('r.name').orderBy('r.id')
}

async function* expertRows(db: Db, subtree: Scope, names: RegionNames, reveal: boolean): AsyncGenerator<LedgerCells> {
  const rows = await resources(db, 'expert', subtree)
    .innerJoin('expert as e', 'e.resourceId', 'r.id')
    .leftJoin('expertGroup as g', 'g.code', 'e.groupCode')
    .select(['e.domain', 'g.name as groupName', 'e.title', 'e.speciality', 'e.workUnit', 'e.gender', 'e.bornOn'])
    .execute()
  for (const e of rows) {
    yield {
      ...places(e.regionCode, names), name: e.name, gender: e.gender, bornOn: e.bornOn, workUnit: e.workUnit, title: e.title,
      domain: e.domain, group: e.groupName, speciality: e.speciality, phone: phone(e.rpMobile, e.rpLandline, reveal), note: e.note,
    }
  }
}

async function* shelterRows(db: Db, subtree: Scope, names: RegionNames, reveal: boolean): AsyncGenerator<LedgerCells> {
  const rows = await resources(db, 'shelter', subtree)
    .innerJoin('shelter as s', 's.resourceId', 'r.id')
    .select(['s.spaceType', 's.gb21734Class', 's.level', 's.effectiveAreaM2', 's.capacity', 's.facilities'])
    .execute()
  for (const s of rows) {
    yield {
      ...places(s.regionCode, names), name: s.name, address: s.address, spaceType: s.spaceType, shelterClass: s.gb21734Class, level: s.level,
      area: s.effectiveAreaM2, capacity: s.capacity, facilities: s.facilities.join('、') || null,
      responsibleName: s.rpName, responsiblePhone: phone(s.rpMobile, s.rpLandline, reveal), lng: s.lng, lat: s.lat, note: s.note,
    }
  }
}

async function* riskRows(db: Db, subtree: Scope, names: RegionNames, reveal: boolean): AsyncGenerator<LedgerCells> {
  const rows = await resources(db, 'risk_point', subtree)
    .innerJoin('riskPoint as k', 'k.resourceId', 'r.id')
    .leftJoin('person as m', 'm.id', 'k.monitorPersonId')
    .select(['k.hazardType', 'k.level', 'k.state', 'k.threatenedPeople', 'k.measures', 'm.name as mName', 'm.mobile as mMobile', 'm.landline as mLandline'])
    .execute()
  for (const k of rows) {
    yield {
      ...places(k.regionCode, names), name: k.name, hazardType: k.hazardType, address: k.address, level: k.level, state: k.state,
      threatenedPeople: k.threatenedPeople, measures: k.measures, monitorName: k.mName, monitorPhone: phone(k.mMobile, k.mLandline, reveal),
      responsibleName: k.rpName, responsiblePhone: phone(k.rpMobile, k.rpLandline, reveal), lng: k.lng, lat: k.lat, note: k.note,
    }
  }
}

async function* storageRows(db: Db, subtree: Scope, names: RegionNames, reveal: boolean): AsyncGenerator<LedgerCells> {
  const rows = await resources(db, 'storage_point', subtree)
    .innerJoin('storagePoint as s', 's.resourceId', 'r.id')
    .leftJoin('person as k', 'k.id', 's.keeperPersonId')
    .select(['s.storageKind', 's.areaM2', 's.volumeM3', 'k.name as kName', 'k.mobile as kMobile', 'k.landline as kLandline'])
    .execute()
  for (const s of rows) {
    yield {
      ...places(s.regionCode, names), name: s.name, storageKind: s.storageKind, address: s.address, area: s.areaM2, volume: s.volumeM3,
      responsibleName: s.rpName, responsiblePhone: phone(s.rpMobile, s.rpLandline, reveal),
      keeperName: s.kName, keeperPhone: phone(s.kMobile, s.kLandline, reveal), lng: s.lng, lat: s.lat, note: s.note,
    }
  }
}

/** One row per agreement, the supplier's cells on each; a supplier without agreements takes one row. */
async function* supplierRows(db: Db, subtree: Scope, names: RegionNames, reveal: boolean): AsyncGenerator<LedgerCells> {
  const suppliers = await resources(db, 'supplier', subtree)
    .innerJoin('supplier as s', 's.resourceId', 'r.id')
    .select(['s.creditCode'])
    .execute()
  const agreements = await db.selectFrom('supplyAgreement as a')
    .select(['a.supplierId', 'a.itemName', 'a.quantity', 'a.unit', 'a.startsOn', 'a.endsOn', 'a.responseHours'])
    .where('a.supplierId', 'in', suppliers.length > 0 ? suppliers.map((s) => s.id) : [0])
    .where(inScope('a.regionCode', subtree))
    .orderBy('a.supplierId').orderBy('a.endsOn', (ob) => ob.asc().nullsLast()).orderBy('a.id')
    .execute()
  const bySupplier = new Map<number, typeof agreements>()
  for (const a of agreements) bySupplier.set(a.supplierId, [...(bySupplier.get(a.supplierId) ?? []), a])
  for (const s of suppliers) {
    const own = {
      ...places(s.regionCode, names), name: s.name, creditCode: s.creditCode, address: s.address,
      contactName: s.rpName, contactPhone: phone(s.rpMobile, s.rpLandline, reveal), note: s.note,
    }
    const lines = bySupplier.get(s.id) ?? []
    if (lines.length === 0) yield own
    for (const a of lines) {
      yield {
        ...own, itemName: a.itemName, quantity: a.quantity, unit: a.unit, startsOn: a.startsOn, endsOn: a.endsOn, responseHours: a.responseHours,
      }
    }
  }
}

/** Annex 1: one row per member in list order, the group's cells on each; a group without members takes one row. */
async function* memberRows(db: Db, subtree: Scope, names: RegionNames, reveal: boolean): AsyncGenerator<LedgerCells> {
  const groups = await db.selectFrom('leadingGroup')
    .select(['id', 'regionCode', 'name', 'officeAddress', 'officePhone'])
    .where(inScope('regionCode', subtree))
    .orderBy('regionCode').orderBy('name').orderBy('id').execute()
  const members = groups.length === 0 ? [] : await db.selectFrom('leadingGroupMember as m')
    .innerJoin('person as p', 'p.id', 'm.personId')
    .select(['m.groupId', 'm.position', 'm.duty', 'p.name', 'p.post', 'p.mobile', 'p.landline'])
    .where('m.groupId', 'in', groups.map((g) => g.id))
    .orderBy('m.groupId').orderBy('m.sort').orderBy('m.personId').execute()
  const byGroup = new Map<number, typeof members>()
  for (const m of members) byGroup.set(m.groupId, [...(byGroup.get(m.groupId) ?? []), m])
  for (const g of groups) {
    const own = {
      ...places(g.regionCode, names), groupName: g.name, officeAddress: g.officeAddress, officePhone: phone(g.officePhone, null, reveal),
    }
    const list = byGroup.get(g.id) ?? []
    if (list.length === 0) yield own
    for (const m of list) {
      yield { ...own, position: m.position, name: m.name, post: m.post, phone: phone(m.mobile, m.landline, reveal), duty: m.duty }
    }
  }
}
