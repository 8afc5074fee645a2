import type { FormInstance } from 'antd'
import { useCallback, useState } from 'react'
import { applyFieldErrors } from './form-errors.js'
import { isApiError, reportError } from './http.js'

type FormValues<V> = Parameters<FormInstance<V>['setFieldsValue']>[0]

export type RecordDrawer<R, V> = {
  /** The record the form holds: the one opened, or what the server had after a stale save. */
  current: R | null
  busy: boolean
  /** The last save was refused as stale and the form now shows the other person's version. */
  staleNotice: boolean
  /** Fill the form for `record` (null: a new one) with `values`; call when the drawer opens. */
  start: (record: R | null, values: FormValues<V>) => void
  /** Run one save; a stale refusal reloads the record, a field refusal marks the fields. */
  save: (write: () => Promise<void>) => Promise<void>
}

/**
 * The life of an edit drawer over a versioned record: fill the form, save against the version
 * it was loaded at, and on 409 STALE_VERSION show what the other person saved so the user
 * re-applies their change knowingly; on 400 put the server's reasons under the fields.
 */
export function useRecordDrawer<R, V>({ form, initial, toValues, reload }: {
  form: FormInstance<V>
  /** The record the drawer was rendered with, so the first render already knows it. */
  initial: R | null
  toValues: (record: R) => V
  /** The record as the server has it now. */
  reload: (record: R) => Promise<R>
}): RecordDrawer<R, V> {
  const [current, setCurrent] = useState<R | null>(initial)
  const [busy, setBusy] = useState(false)
  const [staleNotice, setStaleNotice] = useState(false)

  const start = useCallback((record: R | null, values: FormValues<V>) => {
    setCurrent(record)
    setStaleNotice(false)
    form.resetFields()
    form.setFieldsValue(values)
  }, [form])

  const save = async (write: () => Promise<void>) => {
    setBusy(true)
    try {
      await write()
    } catch (e) {
      if (isApiError(e, 'STALE_VERSION') && current) {
        reportError(e)
        const fresh = await reload(current).catch(() => null)
        if (fresh) {
          setCurrent(fresh)
          form.setFieldsValue(toValues(fresh) as FormValues<V>)
          setStaleNotice(true)
        }
      } else {
        applyFieldErrors(form, e)
        reportError(e)
      }
    } finally {
      setBusy(false)
    }
  }

  return { current, busy, staleNotice, start, save }
}
