/** LIKE treats %, _ and \ as wildcards and escape; text the user typed must match itself. */
export function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, '\\$&')
}

/** ILIKE pattern matching `q` anywhere; %, _ and \ in what the user typed match themselves. */
export function containsPattern(q: string): string {
  return `%${likeLiteral(q)}%`
}
