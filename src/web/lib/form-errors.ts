import type { FormInstance } from 'antd'
import { ApiError } from './http.js'

/**
 * Puts the server's field-level reasons under the matching form fields, so the user sees
 * “手机号码格式不正确” next to the phone box rather than only in a toast.
 * Detail fields are dotted paths (`members.2.personId`); numeric parts index Form.List rows.
 */
export function applyFieldErrors(form: FormInstance, e: unknown): void {
  if (!(e instanceof ApiError)) return
  const known = new Set(Object.keys(form.getFieldsValue(true) as object))
  const fields = e.details
    .filter((d) => d.field && known.has(d.field.split('.')[0]))
    .map((d) => ({
      name: d.field!.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part)),
      errors: [d.message ?? e.message],
    }))
  if (fields.length > 0) form.setFields(fields)
}

/** The form's values, or null when a rule failed (antd has already marked the fields). */
export async function validValues<T>(form: FormInstance<T>): Promise<T | null> {
  try {
    return await form.validateFields()
  } catch {
    return null
  }
}
