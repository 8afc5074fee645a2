import { sql } from 'kysely'
import type { Annex } from '../../../domain/ledgers/annexes.js'
import { maskPhone } from '../../../domain/people/phone.js'
import { levelOf } from '../../../domain/regions/code.js'
import type { Db } from '../../db/database.js'
import { inScope, type Scope } from '../../db/scope.js'
import { countTableRows, tableRows } from './export-rows-tables.js'
import type { LedgerCells } from './workbook.js'

/**
 * The rows of each annex for a region subtree, ordered by region code then name, as cells keyed
 * by the annex's column keys. Supplies are read in keyset pages so a city's lines stream.
 */

const PAGE = 2000

export type RegionNames = Map<string, string>

/** Names of the subtree's regions and of its ancestors, for the 区县 / 乡镇 / 村 columns. */
export async function regionNames(db: Db, subtree: Scope): Promise<RegionNames> {
  const rows = await db.selectFrom('region').select(['code', 'name'])
    .where((eb) => eb.or([inScope('code', subtree), eb('code', 'in', ancestorsOf(subtree.regionCode))]))
    .execute()
  return new Map(rows.map((r) => [r.code, r.name]))
}

function ancestorsOf(code: string): string[] {
  return [code.slice(0, 2).padEnd(12, '0'), code.slice(0, 4).padEnd(12, '0'), code.slice(0, 6).padEnd(12, '0'), code.slice(0, 9).padEnd(12, '0')]
}

/** 区县, 乡镇（街道）, 村（社区） of a region code; blank where the code sits higher. */
export function places(code: string, names: RegionNames): { county: string | null; township: string | null; village: string | null } {
  const level = levelOf(code)
  const at = (len: number) => names.get(code.slice(0, len).padEnd(12, '0')) ?? null
  return {
    county: level === 'county' || level === 'township' || level === 'village' ? at(6) : null,
    township: level === 'township' || level === 'village' ? at(9) : null,
    village: level === 'village' ? names.get(code) ?? null : null,
  }
}

const phone = (value: string | null, reveal: boolean) => (reveal ? value : maskPhone(value))

/** Row count the export will hold, for the audit entry written before any data leaves. */
export async function countAnnexRows(db: Db, annex: Annex, subtree: Scope): Promise<number> {
  switch (annex.key) {
    case 'annex2': {
      const r = await db.selectFrom('resource').select((eb) => eb.fn.countAll<number>().as('n'))
        .where('kind', '=', 'team').where(inScope('regionCode', subtree)).executeTakeFirstOrThrow()
      return r.n
    }
    case 'annex3': case 'annex4': case 'annex7': {
      const r = await supplyBase(db, annex, subtree)
        .select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
      return r.n
    }
    case 'annex5': case 'annex6': {
      let n = 0
      for await (const _ of contactRows(db, annex, subtree, new Map(), false)) n++
      return n
    }
    default:
      return countTableRows(db, annex, subtree)
  }
}

// Annex 3 holds a team's lines; annex 7 the villages' own; annex 4 everything else (county and
// township reserves, enterprises).
function supplyBase(db: Db, annex: Annex, subtree: Scope) {
  let q = db.selectFrom('supply as s').where(inScope('s.regionCode', subtree))
  q = annex.key === 'annex3' ? q.where('s.teamId', 'is not', null) : q.where('s.teamId', 'is', null)
  if (annex.key === 'annex7') q = q.where(sql<boolean>`substr(s.region_code, 10) <> '000'`)
  if (annex.key === 'annex4') q = q.where(sql<boolean>`substr(s.region_code, 10) = '000'`)
  return q
}

export async function* supplyRows(db: Db, annex: Annex, subtree: Scope, names: RegionNames, reveal: boolean): AsyncGenerator<LedgerCells> {
  let after: { regionCode: string; sortName: string; id: number } | null = null
  for (;;) {
    const sortName = annex.key === 'annex3' ? sql<string>`coalesce(t.name, '') || ' ' || s.name` : sql<string>`s.name`
    let q = supplyBase(db, annex, subtree)
      .leftJoin('resource as sp', 'sp.id', 's.storagePointId')
      .leftJoin('resource as t', 't.id', 's.teamId')
      .leftJoin('person as p', 'p.id', 's.responsiblePersonId')
      .leftJoin('unit as u', 'u.id', 's.holderUnitId')
      .select([
        's.id', 's.regionCode', 's.name', 's.specification', 's.unit', 's.quantity', 's.reserveForm', 's.condition',
        's.purchasedOn', 's.expiresOn', 's.note', 'sp.name as storageName', 't.name as teamName', 'u.name as holderName',
        'p.name as keeperName', 'p.mobile as keeperMobile', 'p.landline as keeperLandline',
        // Annex 3 is read team by team; the others by name.
        sortName.as('sortName'),
      ])
    if (after) {
      const a = after
      q = q.where(sql<boolean>`(s.region_code, ${sortName}, s.id) > (${a.regionCode}, ${a.sortName}, ${a.id})`)
    }
    const page = await q.orderBy('s.regionCode').orderBy('sortName').orderBy('s.id').limit(PAGE).execute()
    for (const s of page) {
      const at = places(s.regionCode, names)
      yield {
        ...at,
        holder: s.holderName ?? at.township ?? names.get(s.regionCode) ?? null,
        teamName: s.teamName,
        name: s.name,
        specification: s.specification,
        unit: s.unit,
        quantity: s.quantity,
        storagePlace: s.storageName,
        reserveForm: s.reserveForm,
        condition: s.condition,
        purchasedOn: s.purchasedOn,
        expiresOn: s.expiresOn,
        keeperName: s.keeperName,
        keeperPhone: phone(s.keeperMobile ?? s.keeperLandline, reveal),
        note: s.note,
      }
    }
    if (page.length < PAGE) return
    const last = page[page.length - 1]
    after = { regionCode: last.regionCode, sortName: last.sortName, id: last.id }
  }
}

export async function* teamRows(db: Db, subtree: Scope, names: RegionNames, reveal: boolean): AsyncGenerator<LedgerCells> {
  const rows = await db.selectFrom('resource as r')
    .innerJoin('team as t', 't.resourceId', 'r.id')
    .leftJoin('person as l', (join) => join.on(sql<boolean>`l.id = coalesce(t.leader_person_id, r.responsible_person_id)`))
    .leftJoin('person as c', 'c.id', 'r.liaisonPersonId')
    .select([
      'r.regionCode', 'r.name', 'r.address', 'r.note', 't.teamType', 't.level', 't.specialities', 't.headcount',
      'l.name as leaderName', 'l.post as leaderPost', 'l.mobile as leaderMobile', 'l.landline as leaderLandline',
      'c.name as liaisonName', 'c.mobile as liaisonMobile', 'c.landline as liaisonLandline',
    ])
    .where('r.kind', '=', 'team').where(inScope('r.regionCode', subtree))
    .orderBy('r.regionCode').orderBy('r.name').orderBy('r.id')
    .execute()
  for (const t of rows) {
    const at = places(t.regionCode, names)
    yield {
      county: at.county, township: at.township, name: t.name, teamType: t.teamType, level: t.level,
      specialities: t.specialities.join('、') || null, headcount: t.headcount,
      leaderName: t.leaderName, leaderPost: t.leaderPost, leaderPhone: phone(t.leaderMobile ?? t.leaderLandline, reveal),
      liaisonName: t.liaisonName, liaisonPhone: phone(t.liaisonMobile ?? t.liaisonLandline, reveal),
      address: t.address, note: t.note,
    }
  }
}

/**
 * Annexes 5 and 6: one row per township (village), pairing its i-th 负责人 with its i-th
 * 联络人 (信息员 count as 联络人), so a place with two heads takes two rows.
 */
export async function* contactRows(db: Db, annex: Annex, subtree: Scope, names: RegionNames, reveal: boolean): AsyncGenerator<LedgerCells> {
  const village = annex.key === 'annex6'
  const people = await db.selectFrom('person as p')
    .select(['p.regionCode', 'p.name', 'p.post', 'p.mobile', 'p.landline', 'p.wechat', 'p.roles'])
    .where(inScope('p.regionCode', subtree))
    .where(sql<boolean>`p.roles && array['head', 'liaison', 'informant']::text[]`)
    .where(village ? sql<boolean>`substr(p.region_code, 10) <> '000'` : sql<boolean>`substr(p.region_code, 7, 3) <> '000' and substr(p.region_code, 10) = '000'`)
    .orderBy('p.regionCode').orderBy('p.name').orderBy('p.id')
    .execute()
  const byRegion = new Map<string, { heads: typeof people; liaisons: typeof people }>()
  for (const p of people) {
    const slot = byRegion.get(p.regionCode) ?? { heads: [], liaisons: [] }
    byRegion.set(p.regionCode, slot)
    if (p.roles.includes('head')) slot.heads.push(p)
    if (p.roles.includes('liaison') || p.roles.includes('informant')) slot.liaisons.push(p)
  }
  for (const [code, { heads, liaisons }] of byRegion) {
    const at = places(code, names)
    for (let i = 0; i < Math.max(heads.length, liaisons.length); i++) {
      const h = heads[i]
      const l = liaisons[i]
      yield {
        county: at.county, township: at.township, village: at.village,
        headName: h?.name ?? null, headPost: h?.post ?? null, headMobile: phone(h?.mobile ?? null, reveal),
        headLandline: phone(h?.landline ?? null, reveal),
        liaisonName: l?.name ?? null, liaisonPost: l?.post ?? null, liaisonMobile: phone(l?.mobile ?? null, reveal),
        liaisonLandline: phone(l?.landline ?? null, reveal), liaisonWechat: l?.wechat ?? null,
      }
    }
  }
}

export function annexRows(db: Db, annex: Annex, subtree: Scope, names: RegionNames, reveal: boolean): AsyncIterable<LedgerCells> {
  if (annex.entity === 'team') return teamRows(db, subtree, names, reveal)
  if (annex.entity === 'person') return contactRows(db, annex, subtree, names, reveal)
  if (annex.entity !== 'supply') return tableRows(db, annex, subtree, names, reveal)
  return supplyRows(db, annex, subtree, names, reveal)
}
