import { Button, Popconfirm } from 'antd'
import { toast } from '../lib/feedback.js'

type Versioned = { id: number; version: number; name: string }

type Props<R extends Versioned> = {
  row: R
  /** What else goes with the row, or why it may be refused; shown under the question. */
  description: string
  remove: (id: number, version: number) => Promise<unknown>
  /** Called whether or not the delete went through, so the list shows what the server has. */
  onDone: () => void
}

/** 删除 link of a table row: asks first, deletes at the version shown, then reloads the list. */
export function DeleteButton<R extends Versioned>({ row, description, remove, onDone }: Props<R>) {
  const confirm = async () => {
    try {
      await remove(row.id, row.version)
      toast.success(`已删除“${row.name}”`)
    } catch {
      // shown by the http client; the reload shows the current state
    } finally {
      onDone()
    }
  }

  return (
    <Popconfirm
      title={`删除“${row.name}”？`}
      description={description}
      okText="删除"
      okButtonProps={{ danger: true }}
      onConfirm={confirm}
    >
      <Button type="link" size="small" danger>删除</Button>
    </Popconfirm>
  )
}
