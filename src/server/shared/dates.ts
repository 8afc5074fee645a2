/** A timestamp column as it leaves in a reply: ISO 8601 text, or null. */
export const iso = (d: Date | null) => (d ? d.toISOString() : null)
