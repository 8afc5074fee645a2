import type { Annex } from '../../../domain/ledgers/annexes.js'
import { checkCreditCode } from '../../../domain/people/units.js'
import type { RegionLevel } from '../../../domain/regions/code.js'
import { EXPERT_DOMAINS, label } from '../../../domain/resources/kinds.js'
import { classifySupplyName, type SupplyClassSeed } from '../../../domain/resources/supply-classes.js'
import type { Db } from '../../db/database.js'
import type { RowReader, RowResolver } from './import-resolve.js'
import type {
  AgreementLine, ExpertTarget, GroupMemberTarget, RiskTarget, ShelterTarget, StorageTarget, SupplierTarget, TableTarget,
} from './import-targets-tables.js'
import { identity } from './import-targets.js'

/**
 * Rows of the other ledgers (experts, shelters, risk points, storage points, suppliers with their
 * agreements, annex 1's leading groups) to the records they will write, or to problems naming
 * row, column and value. Regions narrow from the import's region down, as in annexes 2–7
 * (RowResolver.place); values pass the checks the resource forms apply (here what needs the
 * database or more than one cell, import-limits-tables.ts the lengths and ranges).
 */

// Every one of these ledgers has 区县, 乡镇 and 村 columns: a record kept at a village comes back to it.
const PLACE: Array<[string, RegionLevel]> = [['county', 'county'], ['township', 'township'], ['village', 'village']]

type ExpertGroupRow = { code: string; domain: string; name: string }

export class TableResolver {
  private constructor(
    private readonly annex: Annex,
    private readonly groups: ExpertGroupRow[],
    private readonly classes: SupplyClassSeed[],
  ) {}

  /** Null for annexes 2–7, which RowResolver reads itself. */
  static async create(db: Db, annex: Annex): Promise<TableResolver | null> {
    switch (annex.entity) {
      case 'expert':
        return new TableResolver(annex, await db.selectFrom('expertGroup').select(['code', 'domain', 'name']).execute(), [])
      case 'supplier': {
        const classes = (await db.selectFrom('supplyClass').select(['code', 'name', 'keywords']).execute())
          .map((c) => ({ code: c.code, name: c.name, keywords: [...c.keywords, c.name] }))
        return new TableResolver(annex, [], classes)
      }
      case 'shelter': case 'riskPoint': case 'storagePoint': case 'leadingGroup':
        return new TableResolver(annex, [], [])
      default:
        return null
    }
  }

  async resolve(r: RowReader, rows: RowResolver): Promise<TableTarget | null> {
    switch (this.annex.entity) {
      case 'expert': return this.expert(r, await rows.place(r, PLACE))
      case 'shelter': return this.shelter(r, await rows.place(r, PLACE))
      case 'riskPoint': return this.risk(r, await rows.place(r, PLACE))
      case 'storagePoint': return this.storage(r, await rows.place(r, PLACE))
      case 'supplier': return this.supplier(r, await rows.place(r, PLACE))
      case 'leadingGroup': return this.member(r, await rows.place(r, PLACE))
      default: return null
    }
  }

  /** 名称, 地址, 经纬度, 备注 and the 负责人 group, shared by every resource ledger. */
  private base(r: RowReader, regionCode: string | null, keyPrefix: string, responsible: string | null) {
    const name = r.required('name')
    const lng = r.number('lng')
    const lat = r.number('lat')
    // As the forms: a position is both numbers or neither.
    if (lng === null && lat !== null && !r.flagged('lng')) r.problem('lng', '', '没有填写：经度和纬度应同时填写')
    if (lat === null && lng !== null && !r.flagged('lat')) r.problem('lat', '', '没有填写：经度和纬度应同时填写')
    if (regionCode === null || name === null) return null
    const key = `${keyPrefix}|${identity(name)}`
    return {
      regionCode, importKey: key, resourceKey: key, name, address: r.text('address'), lng, lat, note: r.text('note'),
      responsible: responsible ? r.person(regionCode, `${responsible}Name`, { phone: `${responsible}Phone` }, []) : null,
    }
  }

  /** A number a form requires: blank is a problem (unless the reader already named one). */
  private requiredNumber(r: RowReader, key: string): number | null {
    const n = r.number(key)
    if (n === null && !r.flagged(key)) r.problem(key, r.raw(key), '没有填写，此列必须填写')
    return n
  }

  private expert(r: RowReader, regionCode: string | null): ExpertTarget | null {
    const base = this.base(r, regionCode, 'expert', null)
    // The expert is the record's 负责人: their own entry in the people directory holds the phone.
    const person = base ? r.person(base.regionCode, 'name', { phone: 'phone' }, []) : null
    const written = r.text('group')
    let group: ExpertGroupRow | undefined
    if (written !== null) {
      const wanted = identity(written)
      group = this.groups.find((g) => identity(g.name) === wanted || g.code === written)
      if (!group) r.problem('group', written, `不是已有的专家组别（${this.groups.map((g) => g.name).join('、')}），请先在“专家组别”中新增`)
    }
    const domain = r.text('domain')
    if (group && domain !== null && group.domain !== domain) {
      r.problem('group', written ?? '', `属于“${label(EXPERT_DOMAINS, group.domain)}”领域，与专业领域“${label(EXPERT_DOMAINS, domain)}”不一致`)
    }
    const chosen = domain ?? group?.domain ?? null
    if (chosen === null && !r.flagged('domain') && !r.flagged('group')) r.problem('domain', '', '没有填写：专业领域和专家组别至少填写一项')
    if (!base || !person || chosen === null || r.problems.length > 0) return null
    return {
      kind: 'expert', ...base, responsible: person, domain: chosen, groupCode: group?.code ?? null,
      gender: r.text('gender'), bornOn: r.text('bornOn'), workUnit: r.text('workUnit'), title: r.text('title'), speciality: r.text('speciality'),
    }
  }

  private shelter(r: RowReader, regionCode: string | null): ShelterTarget | null {
    const base = this.base(r, regionCode, 'shelter', 'responsible')
    const area = this.requiredNumber(r, 'area')
    const capacity = this.requiredNumber(r, 'capacity')
    const facilities = r.text('facilities')
    if (!base || area === null || capacity === null || r.problems.length > 0) return null
    return {
      kind: 'shelter', ...base, spaceType: r.text('spaceType'), gb21734Class: r.text('shelterClass'), level: r.text('level'),
      effectiveAreaM2: area, capacity, facilities: facilities === null ? null : [...new Set(facilities.split(/[、,，;；/\s]+/).filter(Boolean))],
    }
  }

  private risk(r: RowReader, regionCode: string | null): RiskTarget | null {
    const base = this.base(r, regionCode, 'risk', 'responsible')
    const hazardType = r.required('hazardType')
    const monitor = base ? r.person(base.regionCode, 'monitorName', { phone: 'monitorPhone' }, []) : null
    if (!base || hazardType === null || r.problems.length > 0) return null
    return {
      kind: 'riskPoint', ...base, hazardType, level: r.text('level'), state: r.text('state'),
      threatenedPeople: r.number('threatenedPeople'), measures: r.text('measures'), monitor,
    }
  }

  private storage(r: RowReader, regionCode: string | null): StorageTarget | null {
    // The same key annex 4 gives the storage places it names, so either ledger updates the other's.
    const base = this.base(r, regionCode, 'storage', 'responsible')
    const keeper = base ? r.person(base.regionCode, 'keeperName', { phone: 'keeperPhone' }, []) : null
    if (!base || r.problems.length > 0) return null
    return { kind: 'storagePoint', ...base, storageKind: r.text('storageKind'), areaM2: r.number('area'), volumeM3: r.number('volume'), keeper }
  }

  private supplier(r: RowReader, regionCode: string | null): SupplierTarget | null {
    const base = this.base(r, regionCode, 'supplier', 'contact')
    const rawCode = r.text('creditCode')
    let creditCode: string | null = null
    if (rawCode !== null) {
      const check = checkCreditCode(rawCode)
      if (check.ok) creditCode = check.value
      else r.problem('creditCode', rawCode, check.reason)
    }
    const itemName = r.text('itemName')
    let agreement: AgreementLine | null = null
    if (itemName !== null) {
      const unit = r.text('unit') ?? r.row.unitFromQuantity ?? null
      agreement = {
        itemName, quantity: r.number('quantity'), unit, startsOn: r.text('startsOn'), endsOn: r.text('endsOn'),
        responseHours: r.number('responseHours'), classCode: classifySupplyName(itemName, this.classes),
      }
    } else {
      const stray = ['quantity', 'startsOn', 'endsOn', 'responseHours'].find((k) => r.text(k) !== null)
      if (stray) r.problem('itemName', '', `没有填写物资品名，但填写了“${r.raw(stray)}”`)
    }
    if (!base || r.problems.length > 0) return null
    // A supplier's rows are one per agreement: the row is the supplier and the item together.
    return { kind: 'supplier', ...base, importKey: `${base.resourceKey}|${identity(itemName)}`, creditCode, agreement }
  }

  private member(r: RowReader, regionCode: string | null): GroupMemberTarget | null {
    const groupName = r.required('groupName')
    const member = regionCode === null ? null : r.person(regionCode, 'name', { post: 'post', phone: 'phone' }, [])
    if (member === null && regionCode !== null) {
      // A row without a name names the group alone; a member's other cells without one are a mistake.
      const stray = ['position', 'post', 'duty'].find((k) => r.text(k) !== null)
      if (stray && !r.flagged('name')) r.problem('name', '', `没有填写姓名，但填写了“${r.raw(stray)}”`)
    }
    if (regionCode === null || groupName === null || r.problems.length > 0) return null
    return {
      kind: 'groupMember', regionCode, importKey: `group|${identity(groupName)}|${identity(member?.name)}|${member?.mobile ?? ''}`, groupName,
      officeAddress: r.text('officeAddress'), officePhone: r.text('officePhone'), member, position: r.text('position'), duty: r.text('duty'),
    }
  }
}
