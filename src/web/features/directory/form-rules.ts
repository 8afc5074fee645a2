import type { FormRule } from 'antd'
import { normaliseLandline, normaliseMobile, normalisePhone } from '../../../domain/people/phone.js'

const CHECKS = { mobile: normaliseMobile, landline: normaliseLandline, any: normalisePhone }

/**
 * Phone fields checked as the server will check them. A masked value (138****0002) came from the
 * record being edited and is sent back as is, which the server reads as “unchanged”.
 */
export function phoneRule(kind: keyof typeof CHECKS): FormRule {
  return {
    validator: async (_rule, value: string | null | undefined) => {
      if (!value || value.includes('*')) return
      const r = CHECKS[kind](value)
      if (!r.ok) throw new Error(r.reason)
    },
  }
}

export { creditCodeRule } from '../../lib/credit-code-rule.js'

// The server's rule (directory/input.ts), so a refusal shows under the field before sending.
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/

export const emailRule: FormRule = {
  validator: async (_rule, value: string | null | undefined) => {
    const t = value?.normalize('NFKC').trim()
    if (t && !EMAIL.test(t)) throw new Error('邮箱格式不正确')
  },
}

/** '' from a cleared input becomes null: the server treats absent and null as “none”. */
export function blankToNull<T extends Record<string, unknown>>(values: T): T {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(values)) out[k] = typeof v === 'string' && v.trim() === '' ? null : typeof v === 'string' ? v.trim() : v ?? null
  return out as T
}
