import type { Annex, AnnexColumn, LedgerCellType } from './annexes.js'

/**
 * What a ledger column can be taken for, and the words offices head columns with, beyond the
 * labels an annex lists: person groups (a 负责人 or 联络员 title over 姓名, 职务, 手机 …, in any
 * order and spelling), region columns however they are headed (乡镇, 镇街, 村社, and compounds
 * such as “乡镇（街道）/村（社区）” or “单位（村社区）名称”), and the columns that sort supply
 * rows into 物资 and 装备. Pure: the server reads headers with it, the web lists the targets a
 * user may map a column to.
 */

// ------------------------------------------------------------------------------------------
// Header text

/**
 * A header text reduced to what identifies it: full-width forms, spaces, line breaks, required
 * markers ("*物资名称"), joiners ("规格/型号") and a trailing colon do not count.
 */
export function headerKey(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[【〔［]/g, '(')
    .replace(/[】〕］]/g, ')')
    .replace(/[\s*※★☆/、·•\-_.]/g, '')
    .replace(/[:：]$/, '')
}

/** The header text with its brackets dropped but their words kept: "乡镇(街道)" → "乡镇街道". */
function flatKey(text: string): string {
  return headerKey(text).replace(/[()]/g, '')
}

// ------------------------------------------------------------------------------------------
// Person groups

export const PERSON_FIELDS = ['name', 'post', 'mobile', 'landline', 'phone', 'wechat'] as const
export type PersonField = (typeof PERSON_FIELDS)[number]

/** The sub-columns of a person group, as offices spell them. */
export const PERSON_FIELD_WORDS: Record<PersonField, string[]> = {
  name: ['姓名', '名字', '人员姓名', '人名', '名'],
  post: ['职务', '职位', '岗位', '职务职称', '职称', '身份', '单位职务', '工作职务', '单位及职务', '所在单位及职务', '现任职务'],
  mobile: ['手机', '手机号', '手机号码', '移动电话', '手机电话', '移动号码', '联系手机', '手机号码11位'],
  landline: ['座机', '固话', '固定电话', '办公电话', '办公室电话', '座机号码', '单位电话', '座机电话', '办公座机', '固定号码'],
  phone: ['联系电话', '电话', '联系方式', '电话号码', '联系号码', '通讯方式', '通讯号码', '联系电话手机'],
  wechat: ['微信', '微信号', '微信号码'],
}

/**
 * Words of the person groups, by family. A group titled with any of them ("应急联络员",
 * "村（社区）主要负责人") belongs to the slot of the annex whose own words share the family.
 */
export const PERSON_ROLE_FAMILIES: string[][] = [
  ['负责人', '主要负责人', '第一负责人', '分管负责人', '责任人', '分管领导', '带班领导', '主要领导', '队长', '站长', '领导',
    '书记', '党组织书记', '主任', '村长', '镇长', '乡长', '指挥长'],
  ['联络人', '联络员', '联系人', '信息员', '应急联络员', '联络'],
  ['保管人', '保管员', '管理人', '管理员', '库管员', '仓管员', '物资管理员', '负责人', '责任人'],
  ['监测责任人', '监测人', '监测员'],
]

const fieldForms = new Map<string, PersonField>()
for (const field of PERSON_FIELDS) for (const w of PERSON_FIELD_WORDS[field]) fieldForms.set(headerKey(w), field)

/** The person field a sub-column header names ("手机号码" → mobile), or null. */
export function personFieldOf(text: string): PersonField | null {
  const key = headerKey(text)
  return fieldForms.get(key) ?? fieldForms.get(key.replace(/\([^)]*\)/g, '')) ?? null
}

/**
 * A header naming role and field in one cell ("负责人姓名", "联系人电话", "保管员手机"): the role
 * words and the field; or a role word alone ("保管人"), which means the person's name.
 */
export function splitPersonHeader(text: string): { role: string; field: PersonField } | null {
  const key = headerKey(text).replace(/\([^)]*\)/g, '')
  for (const family of PERSON_ROLE_FAMILIES) {
    for (const word of [...family].sort((a, b) => b.length - a.length)) {
      if (!key.startsWith(word)) continue
      const rest = key.slice(word.length)
      if (rest === '') return { role: word, field: 'name' }
      const field = personFieldOf(rest)
      if (field) return { role: word, field }
    }
  }
  return null
}

/** Whether a text is or contains a person role word of any family. */
export function namesPersonRole(text: string): boolean {
  const key = flatKey(text)
  return key.length <= 16 && PERSON_ROLE_FAMILIES.some((f) => f.some((w) => key.includes(w)))
}

// ------------------------------------------------------------------------------------------
// Region columns

/** What a region column names: a level, or a unit (enterprise) standing in for a place. */
export type RegionWord = 'county' | 'township' | 'village' | 'unit'

const REGION_TOKENS: Array<[string, RegionWord | null]> = [
  ['县市区', 'county'], ['县区', 'county'], ['区县', 'county'], ['县市', 'county'], ['市区', 'county'], ['县', 'county'], ['区', 'county'],
  ['乡镇街道', 'township'], ['乡镇街', 'township'], ['乡镇', 'township'], ['镇乡', 'township'], ['镇街', 'township'], ['街镇', 'township'],
  ['街道', 'township'], ['镇', 'township'], ['乡', 'township'], ['街', 'township'],
  ['村社区', 'village'], ['村居委会', 'village'], ['村居委', 'village'], ['村居', 'village'], ['村社', 'village'], ['社区', 'village'], ['居委会', 'village'],
  ['村委会', 'village'], ['居委', 'village'], ['行政村', 'village'], ['自然村', 'village'], ['村组', 'village'], ['村', 'village'], ['居', 'village'],
  ['储备单位', 'unit'], ['责任单位', 'unit'], ['单位', 'unit'], ['企业', 'unit'], ['公司', 'unit'],
  // Words around the place words that name nothing themselves.
  ['所在', null], ['所属', null], ['名称', null], ['名', null], ['及', null], ['和', null], ['或', null], ['与', null],
  ['地', null], ['行政', null], ['具体', null], ['辖区', null], ['归属', null], ['级', null],
]
const TOKENS_LONGEST_FIRST = [...REGION_TOKENS].sort((a, b) => b[0].length - a[0].length)

/**
 * The places a header names, when it names nothing else: "乡镇（街道）/村（社区）" → township
 * and village, "所在镇街及村社" → the same, "单位（村社区）名称" → unit and village, "区县" →
 * county. Null for any other header ("存放地点", "名称"), and for "单位" and "计量单位", which
 * in a ledger are units of measure.
 */
export function regionWordsOf(text: string): Set<RegionWord> | null {
  const key = flatKey(text)
  if (!key || key.length > 20 || key === '单位' || key === '计量单位') return null
  // Every way of cutting the text into known words; any one that uses them all will do.
  const cut = (at: number): RegionWord[] | null => {
    if (at === key.length) return []
    for (const [token, word] of TOKENS_LONGEST_FIRST) {
      if (!key.startsWith(token, at)) continue
      const rest = cut(at + token.length)
      if (rest) return word ? [word, ...rest] : rest
    }
    return null
  }
  const words = cut(0)
  return words && words.length > 0 ? new Set(words) : null
}

// ------------------------------------------------------------------------------------------
// Supply or equipment

/** Headers of a column that sorts supply rows into 物资 and 装备. */
export const CATEGORY_LABELS = ['类别', '类型', '分类', '种类', '物资类别', '装备类别', '物资装备类别', '物资装备', '物资或装备', '物资类型', '属性', '物资属性']

/** A 类别 cell read as supply (false) or equipment (true); null when it says neither. */
export function isEquipmentWord(text: string): boolean | null {
  const t = text.normalize('NFKC').replace(/\s+/g, '')
  if (!t) return null
  if (/^(应急)?(装备|设备|器材|器械|机械|工具|车辆|装备类|设备类|器材类)$/.test(t)) return true
  if (/^(应急)?(物资|物品|耗材|材料|物资类|生活物资|防汛物资|救灾物资)$/.test(t)) return false
  return null
}

// ------------------------------------------------------------------------------------------
// What a column may be mapped to

/** How a column places rows: by region level, any level ("place"), or a unit or place ("holder"). */
export type PlaceRole = 'county' | 'township' | 'village' | 'place' | 'holder'

export type MappingTarget = {
  key: string
  /** What the user reads: "负责人/手机", "乡镇（街道）/企业". */
  label: string
  labels: string[]
  parent?: string[]
  type: LedgerCellType
  required: boolean
  fillDown?: boolean
  enumLabels?: Record<string, string[]>
  /** `fallback`: the slot takes a further person group no other slot fits (a supply's second contact). */
  person?: { slot: string; field: PersonField; fallback?: true }
  place?: PlaceRole
  /** Read on import only (the export keeps the annex's own columns). */
  extra?: boolean
}

/** Other words for columns of the annexes, by key: what offices write beside the listed labels. */
const MORE_LABELS: Record<string, string[]> = {
  name: ['品名', '物品名称', '物资品名', '物资（装备）名称', '装备物资名', '名称及品名'],
  specification: ['型号规格', '规格参数', '规格及型号', '型号/规格', '品牌型号'],
  quantity: ['储备量', '库存', '现有库存', '在库数量', '实有数量', '现存数量', '数量合计', '储备数'],
  unit: ['计量单位', '单位名'],
  storagePlace: ['存放地址', '储存位置', '存放仓库', '仓库', '储备库', '存放处', '储存地址', '放置地点', '仓储地点', '具体地点', '存放具体地点', '地点'],
  condition: ['完好状态', '使用状态', '性能状况', '完好率', '使用情况'],
  expiresOn: ['保质期', '有效期限', '到期日期', '到期时间', '失效时间'],
  purchasedOn: ['购置年份', '购买时间', '入库日期', '入库时间', '采购时间', '配置时间', '配备时间'],
  reserveForm: ['储备性质', '储备模式'],
  headcount: ['队员数', '人员数量', '在编人数', '总人数'],
  teamType: ['队伍类别', '类别', '队伍种类'],
  teamName: ['所属救援队伍', '队伍'],
  note: ['其他', '附注'],
}

const FIELD_SUFFIX = /(Name|Post|Mobile|Landline|Phone|Wechat)$/

function fieldOfColumn(c: AnnexColumn): PersonField | null {
  const m = FIELD_SUFFIX.exec(c.key)
  if (m) return m[1].toLowerCase() as PersonField
  if (c.type === 'mobile') return 'mobile'
  if (c.type === 'phone') return 'phone'
  if (c.labels.includes('姓名')) return 'name'
  return null
}

const ROLE_WORDS = new Set(PERSON_ROLE_FAMILIES.flat())

/**
 * The person slot of a column: its merged group (负责人 over 姓名), or a name column headed
 * with a role word (负责人 for a supply's keeper) and the columns sharing its key prefix.
 */
function personOf(c: AnnexColumn, columns: readonly AnnexColumn[]): MappingTarget['person'] {
  if (c.parent) {
    const field = fieldOfColumn(c)
    return field ? { slot: c.parent[0], field } : undefined
  }
  const m = /^([a-z]+)(Name|Post|Mobile|Landline|Phone|Wechat)$/.exec(c.key)
  if (!m) return undefined
  const head = columns.find((o) => o.key === `${m[1]}Name` && !o.parent)
  if (!head || !head.labels.some((l) => ROLE_WORDS.has(l))) return undefined
  return { slot: m[1], field: m[2].toLowerCase() as PersonField }
}

function placeOf(c: AnnexColumn): PlaceRole | undefined {
  if (c.key === 'holder') return 'holder'
  if (c.type !== 'region') return undefined
  if (c.key === 'county' || c.key === 'township' || c.key === 'village') return c.key
  const words = regionWordsOf(c.labels[0] ?? '')
  if (!words) return 'place'
  if (words.has('unit')) return 'holder'
  return words.size === 1 ? ([...words][0] as PlaceRole) : 'place'
}

const EXTRA_PLACES: Array<{ key: PlaceRole; labels: string[] }> = [
  { key: 'county', labels: ['区县', '县（市、区）', '县（区）', '县区', '所属区县', '区'] },
  { key: 'township', labels: ['乡镇（街道）', '乡镇街道', '乡镇', '街道', '镇街', '所属乡镇'] },
  { key: 'village', labels: ['村（社区）', '村社区', '村', '社区', '村居', '行政村'] },
  { key: 'place', labels: ['乡镇（街道）/村（社区）', '所在镇街及村社', '所在地（乡镇、村）'] },
]

function label(c: Pick<AnnexColumn, 'labels' | 'parent' | 'key'>): string {
  return c.parent ? `${c.parent[0]}/${c.labels[0]}` : c.labels[0] ?? c.key
}

/**
 * Every column a ledger of `annex` may be mapped to: the annex's own, then what imports read
 * beyond them — region columns the annex lacks (a county column in a village list, a compound
 * “乡镇/村” column), and for supplies the 类别 column and a second contact person.
 */
export function mappingTargets(annex: Annex): MappingTarget[] {
  const own: MappingTarget[] = annex.columns.filter((c) => c.key !== 'seq').map((c) => {
    const t: MappingTarget = {
      key: c.key, label: label(c), labels: [...c.labels, ...(MORE_LABELS[c.key] ?? [])], type: c.type, required: c.required ?? false,
    }
    if (c.parent) t.parent = c.parent
    if (c.fillDown) t.fillDown = true
    if (c.enumLabels) t.enumLabels = c.enumLabels
    const person = personOf(c, annex.columns)
    if (person) t.person = person
    const place = placeOf(c)
    if (place) t.place = place
    return t
  })
  const extras: MappingTarget[] = []
  const has = (key: string) => own.some((t) => t.key === key)
  if (own.some((t) => t.place)) {
    for (const p of EXTRA_PLACES) {
      if (has(p.key) || own.some((t) => t.place === p.key)) continue
      extras.push({ key: p.key, label: p.labels[0], labels: p.labels, type: 'region', required: false, place: p.key, extra: true, fillDown: p.key !== 'village' })
    }
  }
  // What offices write for a person that the annex leaves out: a 联系电话 that may be either
  // number (where the annex has 手机 and 座机 apart), and the post (annexes 2–7 keep it on the person).
  const slots = new Map<string, Set<PersonField>>()
  for (const t of own) if (t.person) slots.set(t.person.slot, (slots.get(t.person.slot) ?? new Set()).add(t.person.field))
  const keepsPost = annex.entity === 'team' || annex.entity === 'supply' || annex.entity === 'person'
  for (const [slot, fields] of slots) {
    const sample = own.find((t) => t.person?.slot === slot)!
    const prefix = sample.key.replace(FIELD_SUFFIX, '')
    const group = sample.parent?.[0] ?? own.find((t) => t.person?.slot === slot && t.person.field === 'name')?.labels[0] ?? slot
    if (!fields.has('phone') && fields.has('mobile') && !has(`${prefix}Phone`)) {
      extras.push({
        key: `${prefix}Phone`, label: `${group}/联系电话`, labels: ['联系电话', '电话', '联系方式'], parent: sample.parent, type: 'phone',
        required: false, person: { slot, field: 'phone' }, extra: true,
      })
    }
    if (keepsPost && !fields.has('post') && !has(`${prefix}Post`)) {
      extras.push({
        key: `${prefix}Post`, label: `${group}/职务`, labels: ['职务'], parent: sample.parent, type: 'text', required: false,
        person: { slot, field: 'post' }, extra: true,
      })
    }
  }
  // A second head of a township or village (分管负责人 beside the 主要负责人).
  if (annex.entity === 'person' && !has('deputyName')) {
    const parent = ['分管负责人', '分管领导', '分管副职', '副职']
    const fields: Array<[PersonField, string, LedgerCellType, string[]]> = [
      ['name', '姓名', 'text', ['姓名']], ['post', '职务', 'text', ['职务']], ['mobile', '手机', 'mobile', ['手机', '手机号码', '移动电话']],
      ['landline', '座机', 'phone', ['座机', '固定电话', '办公电话']], ['phone', '联系电话', 'phone', ['联系电话', '电话']],
    ]
    for (const [field, word, type, labels] of fields) {
      extras.push({
        key: `deputy${field[0].toUpperCase()}${field.slice(1)}`, label: `分管负责人/${word}`, labels, parent, type, required: false,
        person: { slot: '分管负责人', field }, extra: true,
      })
    }
  }
  if (annex.entity === 'supply') {
    extras.push({ key: 'category', label: '类别（物资/装备）', labels: CATEGORY_LABELS, type: 'text', required: false, extra: true })
    if (!has('liaisonName')) {
      const parent = ['联系人', '联络人', '联络员']
      extras.push(
        { key: 'liaisonName', label: '联系人/姓名', labels: ['姓名'], parent, type: 'text', required: false, person: { slot: '联系人', field: 'name', fallback: true }, extra: true },
        { key: 'liaisonPost', label: '联系人/职务', labels: ['职务'], parent, type: 'text', required: false, person: { slot: '联系人', field: 'post', fallback: true }, extra: true },
        { key: 'liaisonPhone', label: '联系人/联系电话', labels: ['联系电话', '电话', '手机'], parent, type: 'phone', required: false, person: { slot: '联系人', field: 'phone', fallback: true }, extra: true },
      )
    }
  }
  return [...own, ...extras]
}

/** Whether a column of these targets places rows in regions. */
export function placesRows(targets: readonly MappingTarget[], key: string): boolean {
  return targets.some((t) => t.key === key && t.place !== undefined)
}
