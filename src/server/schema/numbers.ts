import { Type, type TInteger, type TNumber } from 'typebox'
import { MAX_QUANTITY } from '../../domain/field-limits.js'

/**
 * Number fields of every route, each with the range its column can hold. A number without a
 * maximum would let "1e999" or 10^400 reach the database (Infinity fits a numeric column, and
 * then breaks every list that shows it); fuzz.test.ts fails on any number parameter or body
 * property in the OpenAPI document that lacks minimum and maximum.
 */

/** bigint ids, as far as JavaScript numbers stay exact. */
export const MAX_ID = Number.MAX_SAFE_INTEGER
/** PostgreSQL `integer`: versions, counts, headcounts. */
export const MAX_INT4 = 2_147_483_647

type Extra = { description?: string; default?: number }

/** A record id (bigint column). */
export const Id = (title: string, extra: Extra = {}): TInteger =>
  Type.Integer({ minimum: 1, maximum: MAX_ID, title, ...extra })

/** The optimistic-lock version of a record (integer column, starts at 1). */
export const Version = (extra: Extra = {}): TInteger =>
  Type.Integer({ minimum: 1, maximum: MAX_INT4, title: '版本号', ...extra })

/** A whole number of people, items or days, between `minimum` and `maximum`. */
export const Count = (title: string, minimum: number, maximum: number, extra: Extra = {}): TInteger =>
  Type.Integer({ minimum, maximum, title, ...extra })

/** An amount of stock or demand; `positive` refuses 0 (a transfer or demand of nothing). */
export const Quantity = (title: string, opts: Extra & { positive?: boolean } = {}): TNumber => {
  const { positive, ...extra } = opts
  return Type.Number({ ...(positive ? { exclusiveMinimum: 0 } : { minimum: 0 }), maximum: MAX_QUANTITY, title, ...extra })
}

/** An area in m² (or a volume in m³) up to `maximum`; `positive` refuses 0. */
export const Area = (title: string, maximum: number, opts: Extra & { positive?: boolean } = {}): TNumber => {
  const { positive, ...extra } = opts
  return Type.Number({ ...(positive ? { exclusiveMinimum: 0 } : { minimum: 0 }), maximum, title, ...extra })
}

/** A distance in kilometres, more than 0 and at most `maximum`. */
export const Distance = (title: string, maximum: number, extra: Extra = {}): TNumber =>
  Type.Number({ exclusiveMinimum: 0, maximum, title, ...extra })

/** WGS84 longitude in degrees. */
export const Longitude = (title = '经度', extra: Extra = {}): TNumber =>
  Type.Number({ minimum: -180, maximum: 180, title, ...extra })

/** WGS84 latitude in degrees. */
export const Latitude = (title = '纬度', extra: Extra = {}): TNumber =>
  Type.Number({ minimum: -90, maximum: 90, title, ...extra })

/** Page number and size of a list. */
export const Page = (extra: Extra = {}): TInteger => Type.Integer({ minimum: 1, maximum: 100_000, title: '页码', ...extra })
export const PageSize = (maximum = 200, extra: Extra = {}): TInteger =>
  Type.Integer({ minimum: 1, maximum, title: '每页条数', ...extra })
