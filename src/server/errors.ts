/** Where a problem is: a spreadsheet row, a form field, the value that was refused. */
export type ErrorDetail = { row?: number; field?: string; value?: unknown; message?: string }

/**
 * An error the user should read. `code` is stable English the web and tests match on;
 * `message` is Chinese and names the field and value.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
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
