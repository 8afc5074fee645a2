import pg from 'pg'
import type { ErrorCode } from '../domain/errors.js'

export type { ErrorCode } from '../domain/errors.js'

/** Where a problem is: a spreadsheet row, a form field, the value that was refused. */
export type ErrorDetail = { row?: number; field?: string; value?: unknown; message?: string }

/**
 * An error the user should read. `code` is stable English the web and tests match on;
 * `message` is Chinese and names the field and value.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly status: number,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message)
  }
}

export const notFound = (what: string, id: unknown) =>
  new AppError('NOT_FOUND', 404, `${what}“${id}”不存在或不在您的辖区内`)

export const forbidden = (message = '您没有执行此操作的权限') => new AppError('FORBIDDEN', 403, message)

export const outOfScope = (code: string) =>
  new AppError('OUT_OF_JURISDICTION', 403, `区划“${code}”不在您的辖区内`, [{ field: 'regionCode', value: code }])

export const stale = (what = '该记录') =>
  new AppError('STALE_VERSION', 409, `${what}已被他人修改，请刷新后再提交`)

export const invalid = (field: string, value: unknown, why: string) =>
  new AppError('INVALID_FIELD', 400, `“${field}”的值“${String(value)}”${why}`, [{ field, value }])

/** A refused form field: `key` lets the web mark the input, `title` is what the user reads. */
export const badField = (key: string, title: string, value: unknown, why: string) =>
  new AppError('INVALID_FIELD', 400, `“${title}”的值“${typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value)}”${why}`, [{ field: key, value }])

export const duplicate = (what: string, name: string) =>
  new AppError('DUPLICATE', 409, `该区划下已有名为“${name}”的${what}`, [{ field: 'name', value: name }])

export const inUse = (message: string) => new AppError('IN_USE', 409, message)

/** The database refused a row because `constraint` (a unique index) already holds its value. */
export function isUniqueViolation(e: unknown, constraint: string): boolean {
  return e instanceof pg.DatabaseError && e.code === '23505' && e.constraint === constraint
}
