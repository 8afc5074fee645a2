import { Type, type Static } from 'typebox'
import { Id, Page, PageSize } from '../../schema/numbers.js'

const nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()])

const RegionCode = Type.String({ pattern: '^[0-9]{12}$', title: '区划', description: '12 位统计用区划代码；不填为本人辖区' })

export const AnnexParam = Type.Object({
  annex: Type.String({ maxLength: 20, title: '台账', description: 'annex1 … annex7、experts、shelters、risks、storage、suppliers' }),
}, { additionalProperties: false })

export const RegionQuery = Type.Object({
  regionCode: Type.Optional(RegionCode),
}, { additionalProperties: false })
export type RegionQuery = Static<typeof RegionQuery>

export const ImportIdParam = Type.Object({
  id: Id('导入批次'),
}, { additionalProperties: false })

export const OUTCOMES = ['create', 'update', 'unchanged', 'error', 'skip'] as const
export type Outcome = (typeof OUTCOMES)[number]

export const RowsQuery = Type.Object({
  outcome: Type.Optional(Type.Union(OUTCOMES.map((o) => Type.Literal(o)), { title: '处理结果' })),
  page: Type.Optional(Page({ default: 1 })),
  pageSize: Type.Optional(PageSize(200, { default: 50 })),
}, { additionalProperties: false })
export type RowsQuery = Static<typeof RowsQuery>

export const ImportListQuery = Type.Object({
  regionCode: Type.Optional(RegionCode),
  page: Type.Optional(Page({ default: 1 })),
  pageSize: Type.Optional(PageSize(200, { default: 20 })),
}, { additionalProperties: false })
export type ImportListQuery = Static<typeof ImportListQuery>

export const AnnexInfo = Type.Object({
  key: Type.String(),
  title: Type.String(),
  fullTitle: Type.String({ description: '带附件号的全称，如“附件4 乡镇（企业）应急救援装备和物资储备明细表”' }),
  entity: Type.String({ description: 'team / supply / person / expert / shelter / riskPoint / storagePoint / supplier / leadingGroup' }),
  columns: Type.Array(Type.Object({
    key: Type.String(),
    label: Type.String(),
    parent: Type.Optional(Type.String({ description: '合并表头（如“负责人”）' })),
    required: Type.Boolean(),
  })),
  targets: Type.Array(Type.Object({
    key: Type.String(),
    label: Type.String({ description: '如“负责人/手机”“乡镇（街道）/村（社区）”' }),
    required: Type.Boolean(),
    places: Type.Boolean({ description: '此列说明每行属于哪个区划' }),
    extra: Type.Boolean({ description: '仅导入时读取（导出不含此列）' }),
  }), { description: '导入时表格的列可以对应到的内容' }),
})
export const AnnexList = Type.Array(AnnexInfo)

export const Problem = Type.Object({
  row: Type.Integer({ description: '表格中的行号' }),
  column: Type.String({ description: '列键' }),
  columnLabel: Type.String({ description: '列名' }),
  value: Type.String(),
  message: Type.String(),
  candidates: Type.Optional(Type.Array(Type.Object({ code: Type.String(), fullName: Type.String() }), { description: '名称能对应的多个区划，供选择' })),
})
export type Problem = Static<typeof Problem>

const Counts = Type.Object({ created: Type.Integer(), updated: Type.Integer(), unchanged: Type.Integer() })
export const CommitSummary = Type.Record(Type.String(), Counts, { description: '按实体统计：新增、更新、未变' })
export type CommitSummary = Static<typeof CommitSummary>

export const ImportMeta = Type.Object({
  title: Type.Optional(Type.String()),
  fillUnit: Type.Optional(Type.String()),
  fillDate: Type.Optional(Type.String()),
  sheetName: Type.Optional(Type.String()),
  columnsFound: Type.Record(Type.String(), Type.String(), { description: '列键 → 表格中的列名' }),
  columnsMissing: Type.Array(Type.String(), { description: '未找到的列（列名）' }),
  sheetColumns: Type.Optional(Type.Array(Type.Object({
    index: Type.Integer({ description: '表格中的列（0 为 A 列）' }),
    label: Type.String({ description: '表头文字（多行表头以“/”相连）' }),
    key: Type.Union([Type.String(), Type.Null()], { description: '对应的内容；null 为不导入' }),
    samples: Type.Array(Type.String(), { description: '前几行的值' }),
  }), { description: '表格的每一列及其对应关系' })),
  fingerprint: Type.Optional(Type.String({ description: '表头指纹：同样的表头得到同样的指纹' })),
  mappingSource: Type.Optional(Type.String({ description: 'auto 自动识别 / saved 沿用保存的对应关系 / user 本次指定' })),
  needs: Type.Optional(Type.Array(Type.Object({ code: Type.String(), message: Type.String(), keys: Type.Optional(Type.Array(Type.String())) }),
    { description: '读取数据行之前需要用户确认的事项' })),
  expected: Type.Optional(Counts),
})
export type ImportMeta = Static<typeof ImportMeta>

const RegionCodeValue = Type.String({ pattern: '^[0-9]{12}$', title: '区划' })

export const ColumnMapping = Type.Object({
  index: Type.Integer({ minimum: 0, maximum: 16383, title: '列序号' }),
  key: Type.Union([Type.String({ minLength: 1, maxLength: 40 }), Type.Null()], { title: '对应内容' }),
}, { additionalProperties: false })

export const MappingBody = Type.Object({
  columns: Type.Array(ColumnMapping, { maxItems: 200, title: '列的对应关系' }),
  placement: Type.Optional(Type.Union([Type.Object({ regionCode: RegionCodeValue }, { additionalProperties: false }), Type.Null()], { title: '全部行所属区划' })),
  regions: Type.Optional(Type.Array(Type.Object({
    column: Type.String({ minLength: 1, maxLength: 40, title: '列' }),
    text: Type.String({ minLength: 1, maxLength: 200, title: '名称' }),
    regionCode: RegionCodeValue,
  }, { additionalProperties: false }), { maxItems: 1000, title: '名称对应的区划' })),
  remember: Type.Optional(Type.Boolean({ title: '记住此对应关系' })),
}, { additionalProperties: false })
export type MappingBody = Static<typeof MappingBody>

export const StoredMapping = Type.Object({
  columns: Type.Array(Type.Object({ index: Type.Integer(), label: Type.String(), key: Type.Union([Type.String(), Type.Null()]) })),
  placement: Type.Union([Type.Object({ regionCode: Type.String() }), Type.Null()]),
  regions: Type.Array(Type.Object({ column: Type.String(), text: Type.String(), regionCode: Type.String() })),
})

export const ImportDetail = Type.Object({
  id: Type.Integer(),
  annex: Type.String(),
  annexTitle: Type.String(),
  fileName: Type.String(),
  regionCode: Type.String(),
  regionName: Type.String(),
  status: Type.String({ description: 'parsing 解析中 / mapping 待确认列对应 / previewed 待确认 / committing 提交中 / committed 已导入 / failed 失败' }),
  totalRows: Type.Integer(),
  validRows: Type.Integer(),
  errorRows: Type.Integer(),
  message: nullable(Type.String()),
  meta: Type.Union([ImportMeta, Type.Null()]),
  mapping: Type.Union([StoredMapping, Type.Null()], { description: '本批次指定的列对应关系' }),
  summary: Type.Union([CommitSummary, Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  committedAt: nullable(Type.String({ format: 'date-time' })),
})
export type ImportDetail = Static<typeof ImportDetail>

export const ImportPage = Type.Object({ items: Type.Array(ImportDetail), total: Type.Integer() })

export const ImportRow = Type.Object({
  rowNo: Type.Integer(),
  outcome: Type.String(),
  data: Type.Record(Type.String(), Type.Unknown(), { description: '按列键的取值（空白为 null）；有效行另有 target：将写入的内容' }),
  problems: Type.Array(Problem),
})
export type ImportRow = Static<typeof ImportRow>

export const RowsPage = Type.Object({ items: Type.Array(ImportRow), total: Type.Integer() })

export const Accepted = Type.Object({ importId: Type.Integer() })

export const Deleted = Type.Object({ ok: Type.Boolean() })
