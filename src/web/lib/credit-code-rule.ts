import type { FormRule } from 'antd'
import { checkCreditCode } from '../../domain/people/units.js'

/** 统一社会信用代码 checked as the server checks it, so a mistyped code shows before sending. */
export const creditCodeRule: FormRule = {
  validator: async (_rule, value: string | null | undefined) => {
    if (!value) return
    const r = checkCreditCode(value)
    if (!r.ok) throw new Error(`统一社会信用代码${r.reason}`)
  },
}
