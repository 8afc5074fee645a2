import type { Annex, AnnexColumn } from '../../../domain/ledgers/annexes.js'
import { MOBILE_PATTERN } from '../../../domain/people/phone.js'
import type { RegionLevel } from '../../../domain/regions/code.js'
import { TEAM_LEVELS } from '../../../domain/resources/kinds.js'
import { classifySupplyName, OTHER_SUPPLY_CLASS, type SupplyClassSeed } from '../../../domain/resources/supply-classes.js'
import type { Db } from '../../db/database.js'
import { inScope, scopeOf } from '../../db/scope.js'
import { limitProblems, shortValue } from './import-limits.js'
import { RegionResolver, type Resolved } from './import-regions.js'
import { identity, type ContactTarget, type PersonRef, type SupplyTarget, type Target, type TeamTarget } from './import-targets.js'
import type { CellProblem, LedgerMeta, LedgerRow, LedgerValue } from './read/types.js'

/**
 * One ledger row to the record it will write, or to problems naming row, column and value.
 * Regions resolve within the import's region only; teams of annex 3 must already exist there;
 * supply classes come from the names (GB/T 38565 keywords of the supply_class table).
 */

// A name that ends like a place but matched no region is a mistake, not an enterprise.
const PLACE_ENDING = /(省|市|区|县|镇|乡|街道|办事处|村|社区|居委会|村委会)$/

export class RowResolver {
  private constructor(
    private readonly annex: Annex,
    private readonly meta: LedgerMeta,
    readonly regions: RegionResolver,
    private readonly classes: SupplyClassSeed[],
    private readonly teams: Map<string, Array<{ id: number; regionCode: string; fullName: string }>>,
  ) {}

  static async create(db: Db, annex: Annex, regionCode: string, meta: LedgerMeta): Promise<RowResolver> {
    const regions = await RegionResolver.load(db, regionCode)
    const classes = (await db.selectFrom('supplyClass').select(['code', 'name', 'keywords']).execute())
      .map((c) => ({ code: c.code, name: c.name, keywords: [...c.keywords, c.name] }))
    const teams = new Map<string, Array<{ id: number; regionCode: string; fullName: string }>>()
    if (annex.key === 'annex3') {
      const rows = await db.selectFrom('resource as r').innerJoin('region as g', 'g.code', 'r.regionCode')
        .select(['r.id', 'r.name', 'r.regionCode', 'g.fullName'])
        .where('r.kind', '=', 'team').where(inScope('r.regionCode', scopeOf(regionCode))).execute()
      for (const t of rows) {
        const list = teams.get(identity(t.name)) ?? []
        list.push({ id: t.id, regionCode: t.regionCode, fullName: t.fullName })
        teams.set(identity(t.name), list)
      }
    }
    return new RowResolver(annex, meta, regions, classes, teams)
  }

  /** The header text the file uses for a column, else the annex's own label. */
  columnLabel(key: string): string {
    return columnLabel(this.annex, this.meta, key)
  }

  async resolve(row: LedgerRow): Promise<{ target: Target | null; problems: CellProblem[] }> {
    const r = new RowReader(this.annex, this.meta, row)
    let target: Target | null = null
    switch (this.annex.key) {
      case 'annex2': target = await this.team(r); break
      case 'annex3': target = this.teamSupply(r); break
      case 'annex4': target = await this.townshipSupply(r); break
      case 'annex5': case 'annex6': target = await this.contact(r); break
      case 'annex7': target = await this.villageSupply(r); break
    }
    // What the database would refuse is a problem of the row now, not a failed commit later.
    if (target) for (const p of limitProblems(target)) r.problem(p.column, shortValue(p.value), p.reason)
    return { target: r.problems.length === 0 ? target : null, problems: r.problems }
  }

  /** The region a row's 区县 / 乡镇 / 村 columns name, narrowing from the import region down. */
  private async place(r: RowReader, levels: Array<[string, RegionLevel]>): Promise<string | null> {
    let code = this.regions.root.code
    for (const [key, level] of levels) {
      const text = r.text(key)
      if (text === null) continue
      const found: Resolved = await this.regions.resolve(text, level, code)
      if (!found.ok) {
        r.problem(key, text, found.message)
        return null
      }
      code = found.region.code
    }
    return code
  }

  private async team(r: RowReader): Promise<TeamTarget | null> {
    const regionCode = await this.place(r, [['county', 'county'], ['township', 'township']])
    const name = r.required('name')
    if (regionCode === null || name === null) return null
    const regionLevel = this.regions.get(regionCode)?.level ?? 'county'
    // Blank 级别 follows the region the team sits in; blank 类型 is 基层 for townships and villages.
    const level = r.text('level')
    const fallbackLevel = level ?? (regionLevel in TEAM_LEVELS ? regionLevel : 'county')
    const fallback = { level: fallbackLevel, teamType: fallbackLevel === 'township' || fallbackLevel === 'village' ? 'grassroots' : 'professional' }
    return {
      kind: 'team', regionCode, importKey: `team|${identity(name)}`, name, teamType: r.text('teamType'), level, fallback,
      specialities: (r.text('specialities') ?? '').split(/[、,，;；/\s]+/).filter(Boolean),
      headcount: r.number('headcount'),
      address: r.text('address'), note: r.text('note'),
      leader: r.person(regionCode, 'leaderName', { post: 'leaderPost', phone: 'leaderPhone' }, []),
      liaison: r.person(regionCode, 'liaisonName', { phone: 'liaisonPhone' }, []),
    }
  }

  private teamSupply(r: RowReader): SupplyTarget | null {
    const teamName = r.required('teamName')
    if (teamName === null) return null
    const found = this.teams.get(identity(teamName)) ?? []
    if (found.length === 0) {
      r.problem('teamName', teamName, `在“${this.regions.root.fullName}”的队伍中找不到，请先导入附件2或在队伍名录中新增`)
      return null
    }
    if (found.length > 1) {
      r.problem('teamName', teamName, `有 ${found.length} 支同名队伍（${found.map((t) => t.fullName).join('、')}），请在所属乡镇（街道）的区划下分别导入`)
      return null
    }
    return this.supply(r, found[0].regionCode, { teamId: found[0].id, keyPrefix: `team${found[0].id}|` })
  }

  /** Annex 4's 乡镇（街道）/企业: a township (or the import region itself), else an enterprise. */
  private async townshipSupply(r: RowReader): Promise<SupplyTarget | null> {
    const holder = r.text('holder')
    if (holder === null) return this.supply(r, this.regions.root.code, {})
    const found = await this.regions.resolve(holder, 'township')
    if (found.ok) return this.supply(r, found.region.code, {})
    if (PLACE_ENDING.test(identity(holder))) {
      r.problem('holder', holder, found.message)
      return null
    }
    return this.supply(r, this.regions.root.code, { holderUnit: holder, keyPrefix: `unit|${identity(holder)}|` })
  }

  private async villageSupply(r: RowReader): Promise<SupplyTarget | null> {
    const regionCode = await this.place(r, [['township', 'township'], ['village', 'village']])
    if (regionCode === null) return null
    return this.supply(r, regionCode, {})
  }

  private supply(r: RowReader, regionCode: string, extra: { teamId?: number; holderUnit?: string; keyPrefix?: string }): SupplyTarget | null {
    const name = r.required('name')
    const quantity = r.number('quantity')
    if (quantity === null && !r.flagged('quantity')) r.problem('quantity', '', '没有填写，此列必须填写')
    if (quantity !== null && quantity < 0) r.problem('quantity', r.raw('quantity'), '不能是负数')
    const written = r.text('unit')
    const fromQuantity = r.row.unitFromQuantity ?? null
    if (written && fromQuantity && identity(written) !== identity(fromQuantity)) {
      r.problem('quantity', r.raw('quantity'), `带的单位“${fromQuantity}”与“单位”列的“${written}”不一致`)
    }
    if (name === null || quantity === null || r.problems.length > 0) return null
    const specification = r.text('specification')
    const storagePlace = r.text('storagePlace')
    const classCode = classifySupplyName(name, this.classes) ?? OTHER_SUPPLY_CLASS
    const purchasedOn = r.text('purchasedOn')
    return {
      kind: 'supply', regionCode,
      // A line bought on another day is another batch (its own expiry date), so the purchase
      // date, where the ledger has one, is part of the identity.
      importKey: `${extra.keyPrefix ?? ''}${identity(name)}|${identity(specification)}|${identity(storagePlace)}${purchasedOn ? `|${purchasedOn}` : ''}`,
      name, specification, unit: written ?? fromQuantity ?? '件', quantity, classCode,
      // GB/T 38565 大类 2 is 应急装备及配套物资; the others are consumables and materials.
      isEquipment: classCode.startsWith('2'),
      storagePlace, teamId: extra.teamId ?? null, holderUnit: extra.holderUnit ?? null,
      reserveForm: r.text('reserveForm'), condition: r.text('condition'),
      purchasedOn, expiresOn: r.text('expiresOn'), note: r.text('note'),
      keeper: r.person(regionCode, 'keeperName', { phone: 'keeperPhone' }, []),
    }
  }

  private async contact(r: RowReader): Promise<ContactTarget | null> {
    const village = this.annex.key === 'annex6'
    const regionCode = village
      ? await this.place(r, [['township', 'township'], ['village', 'village']])
      : await this.place(r, [['county', 'county'], ['township', 'township']])
    const placeKey = village ? 'village' : 'township'
    if (r.text(placeKey) === null && !r.problems.some((p) => p.column === placeKey)) r.problem(placeKey, '', '没有填写，此列必须填写')
    if (regionCode === null || r.problems.length > 0) return null
    const expected: RegionLevel = village ? 'village' : 'township'
    if (this.regions.get(regionCode)?.level !== expected) {
      r.problem(placeKey, r.text(placeKey) ?? '', `不是${village ? '村（社区）' : '乡镇（街道）'}`)
      return null
    }
    // A liaison group headed 信息员 in the file gives the informant role.
    const liaisonRole = (this.meta.columnsFound.liaisonName ?? '').includes('信息员') ? 'informant' : 'liaison'
    const people = [
      r.person(regionCode, 'headName', { post: 'headPost', mobile: 'headMobile', landline: 'headLandline' }, ['head']),
      r.person(regionCode, 'liaisonName', { post: 'liaisonPost', mobile: 'liaisonMobile', landline: 'liaisonLandline', wechat: 'liaisonWechat' }, [liaisonRole]),
    ].filter((p): p is PersonRef => p !== null)
    if (r.problems.length > 0) return null
    if (people.length === 0) {
      r.problem('headName', '', '没有填写：负责人和联络人至少填写一位')
      return null
    }
    const key = people.map((p) => `${p.roles[0]}:${identity(p.name)}:${p.mobile ?? ''}`).join('|')
    return { kind: 'contact', regionCode, importKey: key, people }
  }
}

function columnLabel(annex: Annex, meta: LedgerMeta, key: string): string {
  const c: AnnexColumn | undefined = annex.columns.find((col) => col.key === key)
  return meta.columnsFound[key] ?? (c ? (c.parent ? `${c.parent[0]}/${c.labels[0]}` : c.labels[0]) : key)
}

/** Typed access to one row's values, collecting problems in the reader's form. */
class RowReader {
  readonly problems: CellProblem[]

  constructor(private readonly annex: Annex, private readonly meta: LedgerMeta, readonly row: LedgerRow) {
    this.problems = [...row.problems]
  }

  /** Whether the column already has a problem in this row (the reader's or ours). */
  flagged(key: string): boolean {
    return this.problems.some((p) => p.column === key)
  }

  raw(key: string): string {
    return this.row.raw[key] ?? ''
  }

  value(key: string): LedgerValue {
    return this.row.values[key] ?? null
  }

  text(key: string): string | null {
    const v = this.value(key)
    if (v === null) return null
    const t = String(v).trim()
    return t === '' ? null : t
  }

  number(key: string): number | null {
    const v = this.value(key)
    return typeof v === 'number' ? v : null
  }

  required(key: string): string | null {
    const t = this.text(key)
    if (t === null && !this.flagged(key)) this.problem(key, this.raw(key), '没有填写，此列必须填写')
    return t
  }

  /** A problem worded like the reader's: “第 N 行“列”列的值“…”<reason>”. */
  problem(key: string, value: string, reason: string): void {
    const label = columnLabel(this.annex, this.meta, key)
    const where = `第 ${this.row.row} 行“${label}”列`
    const message = value.trim() ? `${where}的值“${value.trim()}”${reason}` : `${where}${reason}`
    this.problems.push({ row: this.row.row, column: key, columnLabel: label, value, message })
  }

  /**
   * The person of a contact group, or null when the group is blank. A 联系电话 column may hold a
   * mobile or a landline; it goes where it belongs.
   */
  person(regionCode: string, nameKey: string, keys: { post?: string; phone?: string; mobile?: string; landline?: string; wechat?: string }, roles: string[]): PersonRef | null {
    const name = this.text(nameKey)
    const phone = keys.phone ? this.text(keys.phone) : null
    const mobile = (keys.mobile ? this.text(keys.mobile) : null) ?? (phone && MOBILE_PATTERN.test(phone) ? phone : null)
    const landline = (keys.landline ? this.text(keys.landline) : null) ?? (phone && !MOBILE_PATTERN.test(phone) ? phone : null)
    const post = keys.post ? this.text(keys.post) : null
    const wechat = keys.wechat ? this.text(keys.wechat) : null
    if (name === null) {
      const stray = [keys.phone, keys.mobile, keys.landline].find((k) => k && this.text(k) !== null)
      if (stray) this.problem(nameKey, '', `没有填写姓名，但填写了电话“${this.raw(stray)}”`)
      return null
    }
    return { regionCode, name, post, mobile, landline, wechat, roles }
  }
}

