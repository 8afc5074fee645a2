import type { Annex, AnnexColumn } from '../../../domain/ledgers/annexes.js'
import { isEquipmentWord, mappingTargets } from '../../../domain/ledgers/mapping.js'
import { MOBILE_PATTERN } from '../../../domain/people/phone.js'
import { isWithin, type RegionLevel } from '../../../domain/regions/code.js'
import { TEAM_LEVELS } from '../../../domain/resources/kinds.js'
import { classifySupplyName, OTHER_SUPPLY_CLASS, type SupplyClassSeed } from '../../../domain/resources/supply-classes.js'
import type { Db } from '../../db/database.js'
import { inScope, scopeOf } from '../../db/scope.js'
import { limitProblems, shortValue } from './import-limits.js'
import { TableResolver } from './import-resolve-tables.js'
import type { LedgerMapping } from './import-mapping.js'
import { RegionResolver, type Candidate, type PlaceLevel, type Resolved } from './import-regions.js'
import { identity, type ContactTarget, type PersonRef, type SupplyTarget, type Target, type TeamTarget } from './import-targets.js'
import { isMaskedPhone, phonesIn } from './read/cells.js'
import type { CellProblem, LedgerMeta, LedgerRow, LedgerValue } from './read/types.js'

/**
 * One ledger row to the record it will write, or to problems naming row, column and value.
 * Regions resolve within the import's region only; teams of annex 3 must already exist there;
 * supply classes come from the names (GB/T 38565 keywords of the supply_class table).
 *
 * Where a row belongs is read from every column that places rows (区县, 乡镇, 村, a compound
 * “乡镇/村” column, annex 4's 乡镇/企业), narrowing from the import region, or from the region
 * the user chose for all rows. A name fitting several regions takes the one the file's own
 * context leaves (the region its title names, the place of the rows around it, passed in as
 * hints), or the one the user chose for that name; otherwise the row says so and lists them.
 *
 * Records entered by hand or by the demo carry no import key; a row naming one of them by the
 * same identity adopts it (`adoptId`), so a re-imported export updates instead of doubling.
 */

// A name that ends like a place but matched no region is a mistake, not an enterprise.
const PLACE_ENDING = /(省|市|区|县|镇|乡|街道|办事处|村|社区|居委会|村委会)$/

/** What the file and the user say beyond the rows: chosen regions, the file's own region, records to adopt. */
type Context = {
  /** Where names resolve from: the region the user put all rows in, else the import region. */
  base: string
  /** Regions the user chose for names, by column and name. */
  choices: Map<string, string>
  /** The region the title or 填报单位 names, when it lies inside the import region. */
  named: string | null
  /** Enterprises (units) of the subtree by name, for annex 4's 乡镇/企业 column. */
  units: Map<string, Array<{ regionCode: string }>>
  /** Supply lines of the subtree by region and identity without purchase date. */
  supplies: Map<string, KeptSupply[]>
  /** Teams of the subtree by name. */
  teams: Map<string, KeptTeam[]>
}

type KeptSupply = { id: number; importKey: string | null; purchasedOn: string | null }
type KeptTeam = { id: number; regionCode: string; importKey: string | null }

const choiceKey = (column: string, text: string) => `${column}|${identity(text)}`

export class RowResolver {
  private context: Context = { base: '', choices: new Map(), named: null, units: new Map(), supplies: new Map(), teams: new Map() }

  private constructor(
    private readonly annex: Annex,
    private readonly meta: LedgerMeta,
    readonly regions: RegionResolver,
    private readonly classes: SupplyClassSeed[],
    private readonly teams: Map<string, Array<{ id: number; regionCode: string; fullName: string }>>,
    /** The other ledgers (experts, shelters, …, annex 1); null for annexes 2–7. */
    private readonly table: TableResolver | null = null,
  ) {}

  static async create(db: Db, annex: Annex, regionCode: string, meta: LedgerMeta, mapping: LedgerMapping | null = null): Promise<RowResolver> {
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
    const resolver = new RowResolver(annex, meta, regions, classes, teams, await TableResolver.create(db, annex))
    const placed = mapping?.placement?.regionCode
    const base = placed && regions.get(placed) ? placed : regions.root.code
    const choices = new Map<string, string>()
    for (const c of mapping?.regions ?? []) if (regions.get(c.regionCode)) choices.set(choiceKey(c.column, c.text), c.regionCode)
    const named = regions.namedIn(meta.title) ?? regions.namedIn(meta.fillUnit)
    resolver.context = {
      base, choices, named: named && isWithin(named.code, base) ? named.code : null,
      units: annex.key === 'annex4' ? await unitsOf(db, regionCode) : new Map(),
      supplies: annex.entity === 'supply' ? await keptSupplies(db, regionCode) : new Map(),
      teams: annex.entity === 'team' ? await keptTeams(db, regionCode) : new Map(),
    }
    return resolver
  }

  /** Whether the subtree holds records of the annex already (entered by hand or imported). */
  get holdsRecords(): boolean {
    return this.context.supplies.size > 0 || this.context.teams.size > 0
  }

  /** The header text the file uses for a column, else the annex's own label. */
  columnLabel(key: string): string {
    return columnLabel(this.annex, this.meta, key)
  }

  /** `hints`: regions the rows around this one lie in, for a name that fits several. */
  async resolve(row: LedgerRow, hints: readonly string[] = []): Promise<{ target: Target | null; problems: CellProblem[] }> {
    const r = new RowReader(this.annex, this.meta, row, hints)
    let target: Target | null = null
    switch (this.annex.key) {
      case 'annex2': target = await this.team(r); break
      case 'annex3': target = this.teamSupply(r); break
      case 'annex4': target = await this.townshipSupply(r); break
      case 'annex5': case 'annex6': target = await this.contact(r); break
      case 'annex7': target = await this.villageSupply(r); break
      default: target = (await this.table?.resolve(r, this)) ?? null
    }
    // What the database would refuse is a problem of the row now, not a failed commit later.
    if (target) for (const p of limitProblems(target)) r.problem(p.column, shortValue(p.value), p.reason)
    return { target: r.problems.length === 0 ? target : null, problems: r.problems }
  }

  /**
   * The region a row's 区县 / 乡镇 / 村 columns name, narrowing from the import region (or the
   * region the user put all rows in) down. A compound column ('place', “乡镇（街道）/村（社区）”)
   * is read before the village, at whatever level it names.
   */
  async place(r: RowReader, levels: Array<[string, PlaceLevel]>, from: string = this.context.base): Promise<string | null> {
    const order = levels.some(([key]) => key === 'place') ? levels : [...levels]
    if (!order.some(([key]) => key === 'place')) {
      const village = order.findIndex(([key]) => key === 'village')
      order.splice(village < 0 ? order.length : village, 0, ['place', 'any'])
    }
    let code = from
    for (const [key, level] of order) {
      const text = r.text(key)
      if (text === null) continue
      const found = await this.locate(r, key, text, level, code)
      if (!found.ok) {
        r.problem(key, text, found.message, found.candidates)
        return null
      }
      code = found.region.code
    }
    return code
  }

  /**
   * One name among the regions below `parent`: the user's choice for it first, then the match,
   * an ambiguous one settled by the title's region or the rows around it.
   */
  private async locate(r: RowReader, key: string, text: string, level: PlaceLevel, parent: string): Promise<Resolved> {
    const chosen = this.context.choices.get(choiceKey(key, text))
    const region = chosen && isWithin(chosen, parent) ? this.regions.get(chosen) : undefined
    if (region) return { ok: true, region }
    const hints = [...(this.context.named ? [this.context.named] : []), ...r.hints]
    return this.regions.resolve(text, level, parent, hints)
  }

  private async team(r: RowReader): Promise<TeamTarget | null> {
    const placed = await this.place(r, [['county', 'county'], ['township', 'township'], ['village', 'village']])
    const name = r.required('name')
    if (placed === null || name === null) return null
    let regionCode = placed
    let importKey = `team|${identity(name)}`
    let adoptId: number | undefined
    // The team of that name kept where the row places it, else the one below it (an annex 2
    // export names the township of a village's team).
    const kept = (this.context.teams.get(identity(name)) ?? []).filter((t) => isWithin(t.regionCode, placed))
    const here = kept.filter((t) => t.regionCode === placed)
    const found = here.length > 0 ? (here.length === 1 ? here[0] : here.find((t) => t.importKey !== null)) : kept.length === 1 ? kept[0] : undefined
    if (found) {
      regionCode = found.regionCode
      if (found.importKey) importKey = found.importKey
      else adoptId = found.id
    }
    const regionLevel = this.regions.get(regionCode)?.level ?? 'county'
    // Blank 级别 follows the region the team sits in; blank 类型 is 基层 for townships and villages.
    const level = r.text('level')
    const fallbackLevel = level ?? (regionLevel in TEAM_LEVELS ? regionLevel : 'county')
    const fallback = { level: fallbackLevel, teamType: fallbackLevel === 'township' || fallbackLevel === 'village' ? 'grassroots' : 'professional' }
    return {
      kind: 'team', regionCode, importKey, ...(adoptId ? { adoptId } : {}), name, teamType: r.text('teamType'), level, fallback,
      specialities: (r.text('specialities') ?? '').split(/[、,，;；/\s]+/).filter(Boolean),
      headcount: r.number('headcount'),
      address: r.text('address'), note: r.text('note'),
      leader: r.person(regionCode, 'leaderName', { post: 'leaderPost', phone: 'leaderPhone' }, []),
      liaison: r.person(regionCode, 'liaisonName', { post: 'liaisonPost', phone: 'liaisonPhone' }, []),
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

  /**
   * Annex 4's 乡镇（街道）/企业: a region of any level below what the other region columns
   * say (the import region itself written out included), else an enterprise — the one of that
   * name already kept in the subtree, or a new one where the row's places put it.
   */
  private async townshipSupply(r: RowReader): Promise<SupplyTarget | null> {
    const base = await this.place(r, [['county', 'county'], ['township', 'township'], ['place', 'any']])
    if (base === null) return null
    const holder = r.text('holder')
    let regionCode = base
    let enterprise: string | null = null
    if (holder !== null) {
      const found = await this.locate(r, 'holder', holder, 'any', base)
      if (found.ok) regionCode = found.region.code
      else if (found.candidates || PLACE_ENDING.test(identity(holder))) {
        r.problem('holder', holder, found.message, found.candidates)
        return null
      } else {
        enterprise = holder
        const chosen = this.context.choices.get(choiceKey('holder', holder))
        const kept = (this.context.units.get(identity(holder)) ?? []).filter((u) => isWithin(u.regionCode, base))
        if (chosen && isWithin(chosen, base)) regionCode = chosen
        else if (kept.length === 1) regionCode = kept[0].regionCode
        else if (kept.length > 1) {
          const candidates = kept.map((u) => ({ code: u.regionCode, fullName: this.regions.get(u.regionCode)?.fullName ?? u.regionCode }))
          r.problem('holder', holder, `在${candidates.map((c) => c.fullName).join('、')}都有同名单位，请选择是哪一个`, candidates)
          return null
        }
      }
    }
    const village = r.text('village')
    if (village !== null) {
      const found = await this.locate(r, 'village', village, 'village', regionCode)
      if (!found.ok) {
        r.problem('village', village, found.message, found.candidates)
        return null
      }
      regionCode = found.region.code
    }
    return this.supply(r, regionCode, enterprise ? { holderUnit: enterprise, keyPrefix: `unit|${identity(enterprise)}|` } : {})
  }

  private async villageSupply(r: RowReader): Promise<SupplyTarget | null> {
    const regionCode = await this.place(r, [['county', 'county'], ['township', 'township'], ['village', 'village']])
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
    // A 类别 column saying 物资 or 装备 decides; other words there (防汛类 …) say nothing of it.
    const category = r.text('category')
    const equipment = category === null ? null : isEquipmentWord(category)
    // A line bought on another day is another batch (its own expiry date), so the purchase
    // date, where the ledger has one, is part of the identity.
    let importKey = supplyKey(extra.keyPrefix ?? '', name, specification, storagePlace, purchasedOn)
    let adoptId: number | undefined
    const kept = this.keptLine(regionCode, supplyKey(extra.keyPrefix ?? '', name, specification, storagePlace, null), purchasedOn)
    if (kept) {
      if (kept.importKey) importKey = kept.importKey
      else adoptId = kept.id
    }
    return {
      kind: 'supply', regionCode, importKey, ...(adoptId ? { adoptId } : {}),
      name, specification, unit: written ?? fromQuantity ?? '件', quantity, classCode,
      // GB/T 38565 大类 2 is 应急装备及配套物资; the others are consumables and materials.
      isEquipment: equipment ?? classCode.startsWith('2'), equipment,
      storagePlace, teamId: extra.teamId ?? null, holderUnit: extra.holderUnit ?? null,
      reserveForm: r.text('reserveForm'), condition: r.text('condition'),
      purchasedOn, expiresOn: r.text('expiresOn'), note: r.text('note'),
      keeper: r.person(regionCode, 'keeperName', { post: 'keeperPost', phone: 'keeperPhone' }, []),
      liaison: r.person(regionCode, 'liaisonName', { post: 'liaisonPost', phone: 'liaisonPhone' }, []),
    }
  }

  /**
   * The line kept in the region that a row means: of the same identity and purchase date, or —
   * where the ledger gives no date (annexes 3 and 7 have no such column), or the line has
   * none — the only line of that identity.
   */
  private keptLine(regionCode: string, undated: string, purchasedOn: string | null): KeptSupply | undefined {
    const lines = this.context.supplies.get(`${regionCode}|${undated}`) ?? []
    if (purchasedOn) {
      const same = lines.filter((l) => l.purchasedOn === purchasedOn)
      if (same.length > 0) return same.length === 1 ? same[0] : undefined
      return lines.length === 1 && lines[0].purchasedOn === null ? lines[0] : undefined
    }
    return lines.length === 1 ? lines[0] : undefined
  }

  private async contact(r: RowReader): Promise<ContactTarget | null> {
    const village = this.annex.key === 'annex6'
    const regionCode = await this.place(r, [['county', 'county'], ['township', 'township'], ['village', 'village']])
    // The place may come from its own column, a compound one, or the region chosen for all rows.
    const placeKey = village ? (r.text('village') === null && r.text('place') !== null ? 'place' : 'village') : (r.text('township') === null && r.text('place') !== null ? 'place' : 'township')
    const given = r.text(placeKey) !== null || this.context.base !== this.regions.root.code
    if (!given && !r.problems.some((p) => p.column === placeKey)) r.problem(placeKey, '', '没有填写，此列必须填写')
    if (regionCode === null || r.problems.length > 0) return null
    const expected: RegionLevel = village ? 'village' : 'township'
    if (this.regions.get(regionCode)?.level !== expected) {
      r.problem(placeKey, r.text(placeKey) ?? '', `不是${village ? '村（社区）' : '乡镇（街道）'}`)
      return null
    }
    // A liaison group headed 信息员 in the file gives the informant role.
    const liaisonRole = (this.meta.columnsFound.liaisonName ?? '').includes('信息员') ? 'informant' : 'liaison'
    const people = [
      r.person(regionCode, 'headName', { post: 'headPost', mobile: 'headMobile', landline: 'headLandline', phone: 'headPhone' }, ['head']),
      r.person(regionCode, 'deputyName', { post: 'deputyPost', mobile: 'deputyMobile', landline: 'deputyLandline', phone: 'deputyPhone' }, ['head']),
      r.person(regionCode, 'liaisonName', {
        post: 'liaisonPost', mobile: 'liaisonMobile', landline: 'liaisonLandline', wechat: 'liaisonWechat', phone: 'liaisonPhone',
      }, [liaisonRole]),
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
  if (meta.columnsFound[key]) return meta.columnsFound[key]
  if (c) return c.parent ? `${c.parent[0]}/${c.labels[0]}` : c.labels[0]
  return mappingTargets(annex).find((t) => t.key === key)?.label ?? key
}

/** The identity of a supply line: holder or team, name, specification, place and purchase date. */
export function supplyKey(prefix: string, name: string, specification: string | null, storagePlace: string | null, purchasedOn: string | null): string {
  return `${prefix}${identity(name)}|${identity(specification)}|${identity(storagePlace)}${purchasedOn ? `|${purchasedOn}` : ''}`
}

/** Enterprises (units) kept in the subtree, by name. */
async function unitsOf(db: Db, regionCode: string): Promise<Context['units']> {
  const rows = await db.selectFrom('unit').select(['name', 'regionCode']).where(inScope('regionCode', scopeOf(regionCode))).execute()
  const out: Context['units'] = new Map()
  for (const u of rows) {
    const list = out.get(identity(u.name)) ?? []
    list.push({ regionCode: u.regionCode })
    out.set(identity(u.name), list)
  }
  return out
}

/**
 * The supply lines of the subtree — imported, or entered by hand and the demo without import
 * key — by region and identity without purchase date, so a ledger row finds the line it
 * means however the line came in, and whichever annex it was exported through.
 */
async function keptSupplies(db: Db, regionCode: string): Promise<Context['supplies']> {
  const out: Context['supplies'] = new Map()
  const rows = await db.selectFrom('supply as s')
    .leftJoin('resource as sp', 'sp.id', 's.storagePointId').leftJoin('unit as u', 'u.id', 's.holderUnitId')
    .select(['s.id', 's.regionCode', 's.name', 's.specification', 's.teamId', 's.purchasedOn', 's.importKey', 'sp.name as place', 'u.name as holder'])
    .where(inScope('s.regionCode', scopeOf(regionCode))).orderBy('s.id').execute()
  for (const s of rows) {
    const prefix = s.teamId !== null ? `team${s.teamId}|` : s.holder !== null ? `unit|${identity(s.holder)}|` : ''
    const key = `${s.regionCode}|${supplyKey(prefix, s.name, s.specification, s.place, null)}`
    const list = out.get(key) ?? []
    list.push({ id: s.id, importKey: s.importKey, purchasedOn: s.purchasedOn ? String(s.purchasedOn) : null })
    out.set(key, list)
  }
  return out
}

/** The teams of the subtree by name. */
async function keptTeams(db: Db, regionCode: string): Promise<Context['teams']> {
  const out: Context['teams'] = new Map()
  const rows = await db.selectFrom('resource').select(['id', 'regionCode', 'name', 'importKey'])
    .where('kind', '=', 'team').where(inScope('regionCode', scopeOf(regionCode))).orderBy('id').execute()
  for (const t of rows) {
    const list = out.get(identity(t.name)) ?? []
    list.push({ id: t.id, regionCode: t.regionCode, importKey: t.importKey })
    out.set(identity(t.name), list)
  }
  return out
}

/** Typed access to one row's values, collecting problems in the reader's form. */
export class RowReader {
  readonly problems: CellProblem[]

  constructor(private readonly annex: Annex, private readonly meta: LedgerMeta, readonly row: LedgerRow, readonly hints: readonly string[] = []) {
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

  /** A problem worded like the reader's: “第 N 行“列”列的值“…”<reason>”; `candidates` for a name to choose a region for. */
  problem(key: string, value: string, reason: string, candidates?: Candidate[]): void {
    const label = columnLabel(this.annex, this.meta, key)
    const where = `第 ${this.row.row} 行“${label}”列`
    const message = value.trim() ? `${where}的值“${value.trim()}”${reason}` : `${where}${reason}`
    this.problems.push({ row: this.row.row, column: key, columnLabel: label, value, message, ...(candidates ? { candidates } : {}) })
  }

  /**
   * The person of a contact group, or null when the group is blank. A 联系电话 column may hold a
   * mobile or a landline; it goes where it belongs.
   */
  person(regionCode: string, nameKey: string, keys: { post?: string; phone?: string; mobile?: string; landline?: string; wechat?: string }, roles: string[]): PersonRef | null {
    const name = this.text(nameKey)
    const phone = keys.phone ? this.text(keys.phone) : null
    // A cell with a mobile and a landline ("13857200002/0572-2012345") gives both.
    const both = keys.phone && phone !== null ? phonesIn(this.raw(keys.phone)) : null
    const mobile = (keys.mobile ? this.text(keys.mobile) : null) ?? both?.mobile ?? (phone && MOBILE_PATTERN.test(phone) ? phone : null)
    const landline = (keys.landline ? this.text(keys.landline) : null) ?? both?.landline ?? (phone && !MOBILE_PATTERN.test(phone) ? phone : null)
    const post = keys.post ? this.text(keys.post) : null
    const wechat = keys.wechat ? this.text(keys.wechat) : null
    if (name === null) {
      const stray = [keys.phone, keys.mobile, keys.landline].find((k) => k && this.text(k) !== null && !isMaskedPhone(this.raw(k)))
      if (stray) this.problem(nameKey, '', `没有填写姓名，但填写了电话“${this.raw(stray)}”`)
      return null
    }
    return { regionCode, name, post, mobile, landline, wechat, roles }
  }
}

