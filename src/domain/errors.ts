/**
 * Every `code` the server answers with in `{ code, message, details }`. The server's AppError
 * accepts only these, so a new code is added here first; the web imports `ErrorCode` as a type
 * and matches on it instead of on bare strings. One meaning, one code: a record or region outside
 * the user's jurisdiction is always OUT_OF_JURISDICTION (403).
 */
export const ERROR_CODES = [
  // Shared by every feature (factories in src/server/errors.ts).
  'INVALID_FIELD', 'NOT_FOUND', 'FORBIDDEN', 'OUT_OF_JURISDICTION', 'STALE_VERSION', 'DUPLICATE', 'IN_USE',
  'ILLEGAL_TRANSITION', 'UNKNOWN_REGION', 'UNKNOWN_KIND',
  // Sent by the errors plugin and the app itself for requests no feature answered.
  'VALIDATION', 'BAD_JSON', 'BAD_REQUEST', 'BAD_URL', 'NO_ROUTE', 'TOO_MANY_REQUESTS', 'INPUT_TOO_COMPLEX',
  'DB_UNAVAILABLE', 'INTERNAL', 'MISSING_REFERENCE', 'CONSTRAINT', 'BAD_VALUE', 'BAD_TEXT', 'CSRF',
  // Sign-in, sessions and accounts.
  'UNAUTHENTICATED', 'SESSION_EXPIRED', 'BAD_CREDENTIALS', 'ACCOUNT_DISABLED', 'ACCOUNT_LOCKED', 'TOO_MANY_ATTEMPTS',
  'PASSWORD_CHANGE_REQUIRED', 'ONE_TIME_PASSWORD_EXPIRED', 'WEAK_PASSWORD', 'SAME_PASSWORD', 'TOTP_REQUIRED',
  'TOTP_INVALID', 'TOTP_ALREADY_ENABLED', 'USERNAME_TAKEN', 'UNKNOWN_ROLE', 'ROLE_LEVEL_MISMATCH',
  'ADMIN_ROLE_ONLY', 'ADMIN_ROLE_RESERVED', 'IDENTIFIER_EXHAUSTED',
  // Four-eyes approvals.
  'FOUR_EYES', 'APPROVAL_PENDING', 'APPROVAL_INVALID', 'APPROVAL_DECIDED', 'ALREADY_APPROVED',
  // Uploads and spreadsheet ledgers.
  'UPLOAD_NOT_MULTIPART', 'UPLOAD_NO_FILE', 'UPLOAD_TOO_MANY_FILES', 'UPLOAD_TOO_LARGE', 'UPLOAD_BAD_NAME',
  'UPLOAD_BAD_TYPE', 'UPLOAD_MALFORMED',
  'LEDGER_CELL_TOO_LONG', 'LEDGER_EMPTY', 'LEDGER_ENCRYPTED', 'LEDGER_MISSING_COLUMNS', 'LEDGER_NOT_SPREADSHEET', 'LEDGER_NO_HEADER',
  'LEDGER_TOO_COMPLEX', 'LEDGER_TOO_MANY_COLUMNS', 'LEDGER_TOO_MANY_ROWS', 'LEDGER_UNREADABLE',
  'LEDGER_UNSUPPORTED_FORMAT', 'LEDGER_ZIP_BOMB',
  'IMPORT_BAD_MAPPING', 'IMPORT_COMMITTED', 'IMPORT_COMMIT_FAILED', 'IMPORT_FILE_GONE', 'IMPORT_GROUP_TOO_LARGE',
  'IMPORT_NOTHING_VALID', 'IMPORT_NOT_MAPPABLE', 'IMPORT_NOT_PREVIEWED', 'IMPORT_ROW_INVALID',
  // Resources, supplies and map positions.
  'BUILTIN_CLASS', 'INSUFFICIENT_STOCK', 'QUANTITY_READ_ONLY', 'NO_POSITION', 'POSITION_FILE_INVALID',
  'POSITION_FILE_TOO_LARGE', 'SKETCH_POSITIONS_UNCONFIRMED',
  // Warnings, CAP messages, confirmations and the delivery gateway.
  'LEVEL_NOT_ALLOWED', 'NO_RECIPIENTS', 'EMPTY_TARGET', 'INBOX_NOT_LINKED', 'CAP_DUPLICATE', 'CAP_INVALID',
  'CAP_NOT_IMPORTABLE', 'CAP_TOO_LARGE', 'CAP_UNKNOWN_REGION', 'CONFIRM_EXPIRED', 'CONFIRM_INVALID',
  'BAD_SIGNATURE', 'CALLBACK_ADDRESS', 'CALLBACK_UNAUTHENTICATED', 'SECRET_FROM_ENV',
  // Backup and restore.
  'BACKUP_BAD_FILE', 'BACKUP_EMPTY_DATABASE', 'BACKUP_FORMAT_NEWER', 'BACKUP_NOT_FOUND', 'BACKUP_NO_DATABASE',
  'BACKUP_TRUNCATED', 'RESTORE_NEWER_DUMP', 'RESTORE_NO_DOWN', 'RESTORE_SCHEMA_MISMATCH',
  'RESTORE_SCHEMA_NOT_CURRENT', 'RESTORE_UNKNOWN_VERSION',
] as const

export type ErrorCode = (typeof ERROR_CODES)[number]

/** The body of every refusal; Fastify's own `FST_…` codes pass through for malformed requests. */
export type ErrorReply = {
  code: ErrorCode | `FST_${string}`
  message: string
  details: Array<{ row?: number; field?: string; value?: unknown; message?: string }>
}

const KNOWN: ReadonlySet<string> = new Set(ERROR_CODES)

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && KNOWN.has(code)
}
