import { Type, type Static } from 'typebox'
import { Id, Page, PageSize } from '../../schema/numbers.js'

const nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()])

const RegionCode = Type.String({ pattern: '^[0-9]{12}$', title: '区划', description: '12 位统计用区划代码；不填为本人辖区' })

export const AnnexParam = Type.Object({
  annex: Type.String({ maxLength: 20, title: '附件', description: 'annex2 … annex7' }),
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
  entity: Type.String({ description: 'team / supply / person' }),
  columns: Type.Array(Type.Object({
    key: Type.String(),
    label: Type.String(),
    parent: Type.Optional(Type.String({ description: '合并表头（如“负责人”）' })),
    required: Type.Boolean(),
  })),
})
export const AnnexList = Type.Array(AnnexInfo)

export const Problem = Type.Object({
  row: Type.Integer({ description: '表格中的行号' }),
  column: Type.String({ description: '列键' }),
  columnLabel: Type.String({ description: '列名' }),
  value: Type.String(),
  message: Type.String(),
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
})
export type ImportMeta = Static<typeof ImportMeta>

export const ImportDetail = Type.Object({
  id: Type.Integer(),
  annex: Type.String(),
  annexTitle: Type.String(),
  fileName: Type.String(),
  regionCode: Type.String(),
  regionName: Type.String(),
  status: Type.String({ description: 'parsing 解析中 / previewed 待确认 / committing 提交中 / committed 已导入 / failed 失败' }),
  totalRows: Type.Integer(),
  validRows: Type.Integer(),
  errorRows: Type.Integer(),
  message: nullable(Type.String()),
  meta: Type.Union([ImportMeta, Type.Null()]),
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
