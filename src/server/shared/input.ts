import { maskPhone, normaliseLandline, normaliseMobile, normalisePhone } from '../../domain/people/phone.js'
import type { Db } from '../db/database.js'
import { codeInScope, scopeOf, type Scope } from '../db/scope.js'
import { badField, outOfScope } from '../errors.js'

/** Trimmed text, or null when nothing but blanks was sent. */
export function text(value: string | null | undefined): string | null {
  const t = value?.trim() ?? ''
  return t === '' ? null : t
}

export function requiredText(key: string, title: string, value: string): string {
  const t = text(value)
  if (t === null) throw badField(key, title, value, '不能为空')
  return t
}

/**
 * A phone number from a form, normalised for storage. Blank clears it. Forms only ever receive
 * masked numbers, so sending back exactly the masked form of the stored number keeps it.
 */
export function phoneField(
  key: string, title: string, input: string | null | undefined, stored: string | null, kind: 'mobile' | 'landline' | 'any',
): string | null {
  const t = text(input)
  if (t === null) return null
  if (stored !== null && t === maskPhone(stored)) return stored
  const check = kind === 'mobile' ? normaliseMobile(t) : kind === 'landline' ? normaliseLandline(t) : normalisePhone(t)
  if (!check.ok) throw badField(key, title, t, check.reason)
  return check.value
}

// The same rule as the person_email check constraint, so a refusal is ours and not the database's.
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/

/** An e-mail address for the e-mail channel; full-width characters typed by IMEs are folded. */
export function emailField(key: string, title: string, input: string | null | undefined): string | null {
  const t = text(input?.normalize('NFKC'))
  if (t === null) return null
  if (!EMAIL.test(t)) throw badField(key, title, t, '邮箱格式不正确（应如 zhangsan@example.com）')
  return t
}

/** A region a record is put in: inside the user's jurisdiction, and a real division code. */
export async function checkRegion(db: Db, scope: Scope, code: string, title = '所属区划'): Promise<void> {
  if (!codeInScope(code, scope)) throw outOfScope(code)
  const region = await db.selectFrom('region').select('code').where('code', '=', code).executeTakeFirst()
  if (!region) throw badField('regionCode', title, code, '不存在')
}

/** The `regionCode` filter of a list: a subtree that must lie inside the user's jurisdiction. */
export function regionFilter(scope: Scope, regionCode: string | undefined): Scope {
  if (regionCode === undefined) return scope
  if (!codeInScope(regionCode, scope)) throw outOfScope(regionCode)
  return scopeOf(regionCode)
}
