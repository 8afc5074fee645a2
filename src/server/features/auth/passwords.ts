import { hash, verify } from '@node-rs/argon2'
import { passwordProblem } from '../../../domain/auth/password.js'
import { AppError } from '../../errors.js'

// @node-rs/argon2 defaults to argon2id (m=19 MiB, t=2, p=1), the OWASP baseline.
export function hashPassword(password: string): Promise<string> {
  return hash(password)
}

export function verifyPassword(stored: string, password: string): Promise<boolean> {
  return verify(stored, password).catch(() => false)
}

/** A hash of nothing in particular, verified when the username is unknown so timing reveals nothing. */
let dummyHash: Promise<string> | null = null
export function dummyVerify(password: string): Promise<boolean> {
  dummyHash ??= hashPassword('not-a-real-password-Aa1!')
  return dummyHash.then((h) => verifyPassword(h, password)).then(() => false)
}

export function assertPasswordPolicy(password: string, field = '口令'): void {
  const problem = passwordProblem(password)
  if (problem) throw new AppError('WEAK_PASSWORD', 400, `${field}不符合要求：${problem}`, [{ field: 'password' }])
}
