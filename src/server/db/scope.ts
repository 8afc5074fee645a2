import { sql, type RawBuilder, type SqlBool } from 'kysely'
import { jurisdictionPrefix } from '../../domain/regions/code.js'

/** Where a signed-in user may see and act: a region code prefix. */
export type Scope = { readonly prefix: string; readonly regionCode: string }

export function scopeOf(regionCode: string): Scope {
  return { prefix: jurisdictionPrefix(regionCode), regionCode }
}

/** The whole country: used by system jobs and CLI commands, never for a signed-in user. */
export const NATIONWIDE: Scope = { prefix: '', regionCode: '000000000000' }

/**
 * Rows whose region column lies in the scope. Prefix is digits only (checked by
 * jurisdictionPrefix), so LIKE needs no escaping; text_pattern_ops indexes keep it a range scan.
 */
export function inScope(column: string, scope: Scope): RawBuilder<SqlBool> {
  return sql<SqlBool>`${sql.ref(column)} like ${scope.prefix + '%'}`
}

export function codeInScope(code: string, scope: Scope): boolean {
  return code.startsWith(scope.prefix)
}
