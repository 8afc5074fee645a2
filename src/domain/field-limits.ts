/**
 * How long a stored text and how large a stored number may be, field by field. The API's schemas
 * and the ledger import read the same numbers here, so a ledger row the preview accepts is one
 * the forms would accept too, and one the database will take.
 *
 * The columns themselves are `text` and `numeric`; what the database does limit is the size of
 * a btree index entry (about 2,700 bytes on 8 kB pages). Names stay far below it; the import
 * keys that join a line's name, specification and storage place are checked in bytes
 * (`MAX_IMPORT_KEY_BYTES`), since NFKC folding may expand a character several times.
 */

/** Longest text per field, in characters (code points, as PostgreSQL and JSON Schema count). */
export const TEXT_LIMITS = {
  /** Resources, supply lines, storage points, units and enterprises. */
  name: 100,
  personName: 50,
  post: 100,
  /** A phone as typed into a form (normalised numbers are shorter). */
  phone: 40,
  wechat: 50,
  specification: 200,
  /** 计量单位 of a supply line. */
  supplyUnit: 10,
  address: 200,
  note: 500,
  /** One 专业方向 of a team. */
  speciality: 20,
  /** An uploaded file's name. */
  fileName: 255,
} as const

export type TextField = keyof typeof TEXT_LIMITS

/** Specialities one team may list. */
export const MAX_SPECIALITIES = 20

/** Members of one team: `team.headcount` is an `integer`, kept far from its limit. */
export const MAX_HEADCOUNT = 1_000_000

/** Large enough for any stock in tons or pieces; small enough to stay exact as a JS number. */
export const MAX_QUANTITY = 1e12

/** Bytes of an import key (region and kind beside it still fit one btree index entry). */
export const MAX_IMPORT_KEY_BYTES = 2400

/** Characters of a text, counted as PostgreSQL's char_length does (an astral character is one). */
export function textLength(text: string): number {
  let n = text.length
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1)
      if (d >= 0xdc00 && d <= 0xdfff) { n--; i++ }
    }
  }
  return n
}
