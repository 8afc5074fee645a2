import type { FormRule } from 'antd'
import { passwordProblem } from '../../../domain/auth/password.js'

/** The server's policy, checked as the user types; the server checks again. */
export const PASSWORD_HINT = '至少 8 位，包含大写字母、小写字母、数字、符号中的至少三类'

export const newPasswordRules: FormRule[] = [
  { required: true, message: '请输入口令' },
  { validator: async (_r, v: string | undefined) => { const p = v ? passwordProblem(v) : null; if (p) throw new Error(p) } },
]

/** Rules for the “确认口令” box that must repeat the field named `of`. */
export function confirmRules(of: string): FormRule[] {
  return [
    { required: true, message: '请再次输入口令' },
    ({ getFieldValue }) => ({
      validator: async (_r, v: string | undefined) => { if (v && v !== getFieldValue(of)) throw new Error('两次输入的口令不一致') },
    }),
  ]
}
