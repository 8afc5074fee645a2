import crypto from 'node:crypto'

/** Header a gateway signs its callbacks with. */
export const SIGNATURE_HEADER = 'x-shouwang-signature'

/** Hex HMAC-SHA256 of the exact bytes sent, keyed by the shared callback secret. */
export function signCallback(secret: string, rawBody: string): string {
  return crypto.createHmac('sha256', secret).update(rawBody, 'utf8').digest('hex')
}

/** Constant-time comparison, so the signature cannot be guessed byte by byte from response times. */
export function verifyCallback(secret: string, rawBody: string, signature: string | undefined): boolean {
  if (!signature) return false
  const expected = Buffer.from(signCallback(secret, rawBody), 'hex')
  const given = Buffer.from(signature.trim().toLowerCase(), 'hex')
  return given.length === expected.length && crypto.timingSafeEqual(given, expected)
}
