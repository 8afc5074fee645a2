import { DatePicker } from 'antd'
import dayjs from 'dayjs'

type Props = {
  /** YYYY-MM-DD, as the server sends and takes dates. */
  value?: string | null
  onChange?: (value: string | null) => void
  placeholder?: string
}

/** A date picker whose value is the server's date string, so forms need no conversion. */
export function DateInput({ value, onChange, placeholder }: Props) {
  return (
    <DatePicker
      value={value ? dayjs(value) : null}
      onChange={(d) => onChange?.(d ? d.format('YYYY-MM-DD') : null)}
      placeholder={placeholder}
      style={{ width: '100%' }}
    />
  )
}
