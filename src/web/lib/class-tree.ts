/** A supply class as a tree node: `title` carries the code, since offices quote codes in ledgers. */
export type ClassNode = { value: string; title: string; name: string; children: ClassNode[] }

type FlatClass = { code: string; name: string; parentCode: string | null }

/**
 * The GB/T 38565 hierarchy from the server's flat list, in code order. A class whose parent is
 * not in the list (not yet added locally) hangs at the top rather than disappearing.
 */
export function classTree(classes: readonly FlatClass[]): ClassNode[] {
  const nodes = new Map<string, ClassNode>()
  const sorted = [...classes].sort((a, b) => a.code.localeCompare(b.code))
  for (const c of sorted) nodes.set(c.code, { value: c.code, title: `${c.code} ${c.name}`, name: c.name, children: [] })
  const roots: ClassNode[] = []
  for (const c of sorted) {
    const node = nodes.get(c.code)!
    const parent = c.parentCode ? nodes.get(c.parentCode) : undefined
    if (parent) parent.children.push(node)
    else roots.push(node)
  }
  return roots
}

/** 1,200.5 — quantities are numeric and may carry decimals (tons, cubic metres). */
export function formatQuantity(q: number | null | undefined): string {
  if (q === null || q === undefined) return '—'
  return q.toLocaleString('zh-CN', { maximumFractionDigits: 3 })
}
