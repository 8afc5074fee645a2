import type { PersonRef } from './import-targets.js'

/**
 * What a valid row of the other ledgers (domain/ledgers/tables.ts) will write, stored as
 * `data.target` like the annexes' targets. A blank cell is null and keeps what is stored; a new
 * record takes the same defaults the forms start from. People are named, not ids: the commit
 * finds or creates them as it does for annexes 2–7.
 */

/** The shared `resource` row of experts, shelters, risk points, storage points and suppliers. */
type ResourceFields = {
  regionCode: string
  /** The row's identity in its file: the record, and for a supplier also the agreement's item. */
  importKey: string
  /** The record's `resource.import_key`: re-importing it updates instead of duplicating. */
  resourceKey: string
  name: string
  address: string | null
  lng: number | null
  lat: number | null
  note: string | null
  /** 负责人 (an expert is their own). */
  responsible: PersonRef | null
}

export type ExpertTarget = ResourceFields & {
  kind: 'expert'
  domain: string
  groupCode: string | null
  gender: string | null
  bornOn: string | null
  workUnit: string | null
  title: string | null
  speciality: string | null
}

export type ShelterTarget = ResourceFields & {
  kind: 'shelter'
  spaceType: string | null
  gb21734Class: string | null
  level: string | null
  effectiveAreaM2: number
  capacity: number
  /** Null when the cell is blank (the stored list stays). */
  facilities: string[] | null
}

export type RiskTarget = ResourceFields & {
  kind: 'riskPoint'
  hazardType: string
  level: string | null
  state: string | null
  threatenedPeople: number | null
  measures: string | null
  monitor: PersonRef | null
}

export type StorageTarget = ResourceFields & {
  kind: 'storagePoint'
  storageKind: string | null
  areaM2: number | null
  volumeM3: number | null
  keeper: PersonRef | null
}

/** One line of a supplier's agreements; a row without 物资品名 names the supplier only. */
export type AgreementLine = {
  itemName: string
  quantity: number | null
  unit: string | null
  startsOn: string | null
  endsOn: string | null
  responseHours: number | null
  /** GB/T 38565 class guessed from the item's name, when a keyword fits. */
  classCode: string | null
}

export type SupplierTarget = ResourceFields & {
  kind: 'supplier'
  creditCode: string | null
  agreement: AgreementLine | null
}

/** A row of annex 1: one member of a leading group (the group found or created by name), or the group alone. */
export type GroupMemberTarget = {
  kind: 'groupMember'
  regionCode: string
  importKey: string
  groupName: string
  officeAddress: string | null
  officePhone: string | null
  /** Null for a row naming the group only (a group without members yet). */
  member: PersonRef | null
  /** Null when blank: a known member keeps theirs, a new one is a 成员. */
  position: string | null
  duty: string | null
}

export type ResourceTarget = ExpertTarget | ShelterTarget | RiskTarget | StorageTarget | SupplierTarget
export type TableTarget = ResourceTarget | GroupMemberTarget

export const TABLE_TARGET_KINDS = ['expert', 'shelter', 'riskPoint', 'storagePoint', 'supplier', 'groupMember'] as const

export function isTableTarget(t: { kind: string }): t is TableTarget {
  return (TABLE_TARGET_KINDS as readonly string[]).includes(t.kind)
}

/** The `resource.kind` each resource target writes. */
export const RESOURCE_KIND_OF: Record<ResourceTarget['kind'], string> = {
  expert: 'expert', shelter: 'shelter', riskPoint: 'risk_point', storagePoint: 'storage_point', supplier: 'supplier',
}

const NO_PERSON_FIELDS = { post: null, mobile: null, landline: null, wechat: null, roles: [] as string[] }
const personFrom = (p: PersonRef | undefined | null): PersonRef | null => (p ? { ...NO_PERSON_FIELDS, ...p } : null)
const n = <T>(v: T | undefined): T | null => v ?? null

/** A target as stored (nulls left out) back to its full shape. */
export function tableTargetFrom(stored: TableTarget): TableTarget {
  if (stored.kind === 'groupMember') {
    return {
      ...stored, officeAddress: n(stored.officeAddress), officePhone: n(stored.officePhone), member: personFrom(stored.member),
      position: n(stored.position), duty: n(stored.duty),
    }
  }
  const base = {
    address: n(stored.address), lng: n(stored.lng), lat: n(stored.lat), note: n(stored.note), responsible: personFrom(stored.responsible),
  }
  switch (stored.kind) {
    case 'expert':
      return {
        ...stored, ...base, groupCode: n(stored.groupCode), gender: n(stored.gender), bornOn: n(stored.bornOn), workUnit: n(stored.workUnit),
        title: n(stored.title), speciality: n(stored.speciality),
      }
    case 'shelter':
      return { ...stored, ...base, spaceType: n(stored.spaceType), gb21734Class: n(stored.gb21734Class), level: n(stored.level), facilities: n(stored.facilities) }
    case 'riskPoint':
      return {
        ...stored, ...base, level: n(stored.level), state: n(stored.state), threatenedPeople: n(stored.threatenedPeople),
        measures: n(stored.measures), monitor: personFrom(stored.monitor),
      }
    case 'storagePoint':
      return { ...stored, ...base, storageKind: n(stored.storageKind), areaM2: n(stored.areaM2), volumeM3: n(stored.volumeM3), keeper: personFrom(stored.keeper) }
    case 'supplier': {
      const a = stored.agreement
      return {
        ...stored, ...base, creditCode: n(stored.creditCode),
        agreement: a
          ? {
              itemName: a.itemName, quantity: n(a.quantity), unit: n(a.unit), startsOn: n(a.startsOn), endsOn: n(a.endsOn),
              responseHours: n(a.responseHours), classCode: n(a.classCode),
            }
          : null,
      }
    }
  }
}
