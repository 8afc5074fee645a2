import crypto from 'node:crypto'
import { passwordProblem } from '../../../domain/auth/password.js'

// No 0/O, 1/l/I: the password is read off a screen and typed, or read out over the phone.
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789'

/**
 * A password the server chooses for an account an administrator creates or resets: three groups
 * of four (about 70 bits), shown once to the administrator, replaced by its owner at first login.
 * The administrator never picks it, so he cannot pick one he will remember.
 */
export function oneTimePassword(): string {
  for (;;) {
    const chars = Array.from({ length: 12 }, () => ALPHABET[crypto.randomInt(ALPHABET.length)])
    const candidate = [0, 4, 8].map((i) => chars.slice(i, i + 4).join('')).join('-')
    // Insist on all three letter-and-digit classes, so it also passes a stricter policy later.
    if (/[A-Z]/.test(candidate) && /[a-z]/.test(candidate) && /\d/.test(candidate) && !passwordProblem(candidate)) {
      return candidate
    }
  }
}
