import { useState } from 'react'

/** Which row a list page's edit drawer is open for; a new row is `row: null` with `open` true. */
export function useEditing<T>(afterSave: () => void) {
  const [editing, setEditing] = useState<{ row: T | null } | null>(null)
  return {
    open: editing !== null,
    row: editing?.row ?? null,
    edit: (row: T) => setEditing({ row }),
    create: () => setEditing({ row: null }),
    close: () => setEditing(null),
    /** The drawer saved: close it and show the list as the server has it now. */
    saved: () => {
      setEditing(null)
      afterSave()
    },
  }
}
