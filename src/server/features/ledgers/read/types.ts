import type { PersonField, PlaceRole } from '../../../../domain/ledgers/mapping.js'
import { AppError, type ErrorCode } from '../../../errors.js'

/** One column a ledger may carry, and the header texts that name it. */
export type ColumnSpec = {
  /** Key of the value in `LedgerRow.values`, e.g. 'name', 'quantity', 'headMobile'. */
  key: string
  /**
   * Header texts that mean this column, e.g. ['物资名称', '名称']. Compared after normalising:
   * spaces, line breaks and full-width forms do not count, and text in brackets is optional
   * ("乡镇（街道）" also matches "乡镇", "数量（件）" matches "数量").
   */
  labels: string[]
  /** Upper header of a two-row header, e.g. ['负责人'] for the '手机' column under a merged '负责人'. */
  parent?: string[]
  required?: boolean
  type: 'text' | 'integer' | 'number' | 'quantity' | 'mobile' | 'phone' | 'date' | 'region' | 'enum'
  /** For 'enum': key → accepted texts, e.g. { good: ['完好', '正常'], scrapped: ['报废'] }. */
  enumLabels?: Record<string, string[]>
  /** Merged-down columns (the town written once for several rows): blank cells take the value above. */
  fillDown?: boolean
  /**
   * The person group the column belongs to and what it holds of the person. Without it, a
   * column with a `parent` is in the group of `parent[0]`, its field read from its label.
   */
  person?: { slot: string; field: PersonField; fallback?: true }
  /** How the column places rows in regions; without it, a 'region' column by its label. */
  place?: PlaceRole
  /** Read on import beyond the ledger's own columns; its person group is filled after theirs. */
  extra?: boolean
}

export type SheetSpec = {
  columns: ColumnSpec[]
  /** A row with a value beyond this column refuses the file (default 200). */
  maxColumns?: number
}

/** One headed column of a sheet as the reader understood it. */
export type SheetColumn = {
  /** 0-based sheet column (0 is column A). */
  index: number
  /** The header texts over it, top down ("负责人/手机"). */
  label: string
  /** The spec column it is read as; null when it is not read. */
  key: string | null
  /** Up to three values from the first data rows, as written. */
  samples: string[]
}

/** `row` is the spreadsheet row number as the user sees it in Excel (1-based). */
export type CellProblem = {
  row: number; column: string; columnLabel: string; value: string; message: string
  /** A region name that fits several regions: the ones it may mean, for the user to choose. */
  candidates?: Array<{ code: string; fullName: string }>
}

export type LedgerValue = string | number | null

export type LedgerRow = {
  /** Spreadsheet row number. */
  row: number
  /**
   * Every key of the spec, normalised by type: quantity → number (unit stripped), date →
   * 'YYYY-MM-DD', mobile → '13857200002', phone → normalised, integer/number → number,
   * region → text without spaces, enum → key. Blank, missing or refused values are null.
   */
  values: Record<string, LedgerValue>
  /** Original text per column key (after filling merged and fill-down cells). */
  raw: Record<string, string>
  /** '台' from '6台'. */
  unitFromQuantity?: string
  problems: CellProblem[]
}

export type LedgerMeta = {
  title?: string
  /** From "填报单位：…" above the header (or in the footer, once the rows are read). */
  fillUnit?: string
  /** From "填报日期：…": 'YYYY-MM-DD' when it reads as a date, else the text as written. */
  fillDate?: string
  /** Spreadsheet row numbers of the header: one, or two for a header with merged group cells. */
  headerRows: number[]
  /** Column key → header text found for it ("负责人/手机" for a two-row header). */
  columnsFound: Record<string, string>
  /** Keys of optional columns the sheet lacks (a missing required column refuses the file). */
  columnsMissing: string[]
  /** Every headed column of the sheet, how it was understood, and a few of its values. */
  sheetColumns: SheetColumn[]
  /** The same header always gives the same fingerprint (its texts by position), whatever the rows. */
  fingerprint: string
  sheetName?: string
}

/**
 * A file that cannot be read as a ledger at all. `code` is stable English; the message is
 * Chinese and tells the user what to do. An AppError, so a route can let it through as a 422.
 */
export class LedgerFileError extends AppError {
  constructor(code: ErrorCode, message: string) {
    super(code, 422, message)
    this.name = 'LedgerFileError'
  }
}

// ---------------------------------------------------------------------------------------------
// What the format readers (xlsx.ts, csv.ts) hand to the ledger logic: cells as plain data.

export type CellKind = 'empty' | 'text' | 'number' | 'date' | 'bool' | 'error' | 'formula-no-result'

/** One cell as read. `text` is what the user sees (numbers without float noise, dates as YYYY-MM-DD). */
export type Cell = { kind: CellKind; text: string; number?: number; date?: Date }

/** `cells[0]` is column A. */
export type SheetRow = { row: number; cells: Cell[] }

/** A merged range, 1-based and inclusive. */
export type Merge = { top: number; left: number; bottom: number; right: number }

export type Sheet = {
  name?: string
  rows: AsyncIterable<SheetRow>
  /** Merged ranges of the sheet; null when the format has none (CSV). */
  merges: Merge[] | null
  /** Rows holding at least one value, when known before reading (xlsx). */
  contentRows?: number
}

export const EMPTY_CELL: Cell = { kind: 'empty', text: '' }
