import { MAX_QUANTITY } from '../../../domain/field-limits.js'
import { SHELTER_M2_PER_PERSON, shelterCapacityLimit } from '../../../domain/resources/kinds.js'
import type { LimitChecks } from './import-limits.js'
import type { TableTarget } from './import-targets-tables.js'

/**
 * What the resource forms take (experts.ts, shelters.ts, risks.ts, storage.ts, suppliers.ts,
 * agreements-schema.ts, the leading-group schema), checked on a target of the other ledgers.
 * The numbers are the forms' own, so a row the preview accepts is one a form would accept, and
 * the database's checks (capacity within the area, an agreement ending after it starts) never
 * refuse a commit.
 */

// Maxima of the forms' schemas, beside the shared TEXT_LIMITS.
const EXPERT_TITLE = 50
const EXPERT_SPECIALITY = 200
const EXPERT_WORK_UNIT = 100
const SHELTER_AREA_MAX = 100_000_000
const SHELTER_CAPACITY_MAX = 100_000_000
const FACILITY = 30
const FACILITIES = 50
const RISK_MEASURES = 1000
const THREATENED_MAX = 10_000_000
const STORAGE_AREA_MAX = 10_000_000
const STORAGE_VOLUME_MAX = 100_000_000
const ITEM_NAME = 100
const AGREEMENT_UNIT = 10
const RESPONSE_HOURS_MAX = 8760
const GROUP_NAME = 100
const DUTY = 500

export function tableLimitProblems(t: TableTarget, c: LimitChecks, problems: () => number): void {
  if (t.kind === 'groupMember') {
    c.chars('groupName', t.groupName, GROUP_NAME)
    c.text('officeAddress', t.officeAddress, 'address')
    c.text('officePhone', t.officePhone, 'phone')
    c.person(t.member, { name: 'name', post: 'post', phone: 'phone' })
    c.chars('duty', t.duty, DUTY)
    return
  }
  // An expert's name is also the name of their entry in the people directory.
  c.text('name', t.name, t.kind === 'expert' ? 'personName' : 'name')
  c.text('address', t.address, 'address')
  c.text('note', t.note, 'note')
  c.range('lng', t.lng, -180, 180)
  c.range('lat', t.lat, -90, 90)
  if (t.kind !== 'expert') c.person(t.responsible, { name: `${t.kind === 'supplier' ? 'contact' : 'responsible'}Name`, phone: `${t.kind === 'supplier' ? 'contact' : 'responsible'}Phone` })
  switch (t.kind) {
    case 'expert':
      c.person(t.responsible, { name: 'name', phone: 'phone' })
      c.chars('title', t.title, EXPERT_TITLE)
      c.chars('speciality', t.speciality, EXPERT_SPECIALITY)
      c.chars('workUnit', t.workUnit, EXPERT_WORK_UNIT)
      break
    case 'shelter': {
      if (t.effectiveAreaM2 <= 0) c.refuse('area', String(t.effectiveAreaM2), '必须大于 0')
      else c.range('area', t.effectiveAreaM2, 0, SHELTER_AREA_MAX)
      c.range('capacity', t.capacity, 0, SHELTER_CAPACITY_MAX)
      const limit = shelterCapacityLimit(t.effectiveAreaM2)
      if (t.effectiveAreaM2 > 0 && t.capacity > limit) {
        c.refuse('capacity', String(t.capacity), `超过有效面积 ${t.effectiveAreaM2} m² 按人均 ${SHELTER_M2_PER_PERSON} m² 可容纳的 ${limit} 人`)
      }
      const facilities = t.facilities ?? []
      if (facilities.length > FACILITIES) c.refuse('facilities', facilities.join('、'), `列出了 ${facilities.length} 项设施，最多 ${FACILITIES} 项`)
      for (const f of facilities) c.chars('facilities', f, FACILITY)
      break
    }
    case 'riskPoint':
      c.range('threatenedPeople', t.threatenedPeople, 0, THREATENED_MAX)
      c.chars('measures', t.measures, RISK_MEASURES)
      c.person(t.monitor, { name: 'monitorName', phone: 'monitorPhone' })
      break
    case 'storagePoint':
      c.range('area', t.areaM2, 0, STORAGE_AREA_MAX)
      c.range('volume', t.volumeM3, 0, STORAGE_VOLUME_MAX)
      c.person(t.keeper, { name: 'keeperName', phone: 'keeperPhone' })
      break
    case 'supplier': {
      const a = t.agreement
      if (!a) break
      c.chars('itemName', a.itemName, ITEM_NAME)
      c.range('quantity', a.quantity, 0, MAX_QUANTITY)
      c.chars('unit', a.unit, AGREEMENT_UNIT)
      c.range('responseHours', a.responseHours, 0, RESPONSE_HOURS_MAX)
      if (a.startsOn !== null && a.endsOn !== null && a.endsOn < a.startsOn) c.refuse('endsOn', a.endsOn, `早于协议开始日期“${a.startsOn}”`)
      break
    }
  }
  if (problems() === 0) c.key('name', t.name, t.resourceKey)
}
