/**
 * Deterministic pseudo-random numbers for demo data and fixtures: the same seed gives the same
 * sequence on every machine, so a demo deployment and a test see the same records.
 */

/** mulberry32: uniform numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** FNV-1a hash of a text, to seed from a region code or a name. */
export function seedOf(text: string): number {
  let h = 0x811c9dc5
  for (const ch of text) h = Math.imul(h ^ ch.codePointAt(0)!, 0x01000193)
  return h >>> 0
}
