/**
 * Whom to call about a resource. A duty officer who has found the nearest boats needs the person
 * who can open the store and hand them over, not whoever is listed first: the keeper (保管员) of
 * the storage point, then the person responsible, then a team's leader, then the liaison. The
 * server lists the people of a record in this order; the first who has a phone number is the one
 * to call.
 */
export const CONTACT_ROLES = {
  keeper: '保管员',
  responsible: '负责人',
  leader: '队长',
  liaison: '联络人',
} as const
export type ContactRole = keyof typeof CONTACT_ROLES
export const CONTACT_ROLE_KEYS = Object.keys(CONTACT_ROLES) as ContactRole[]

/**
 * Distances are great-circle (straight-line) distances: roads, rivers and bridges make the way
 * longer, and whoever plans the trip must know that.
 */
export const STRAIGHT_LINE_NOTE = '距离为直线距离，实际路程通常更长'

/** The one to call: the first with a number, else the first at all. */
export function callFirst<T extends { phone: string | null }>(contacts: readonly T[]): T | null {
  return contacts.find((c) => c.phone !== null) ?? contacts[0] ?? null
}
