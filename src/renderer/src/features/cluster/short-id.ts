/** How many hex digits of a 40-hex cluster node id the panel shows (like `redis-cli`'s hints). */
export const SHORT_ID_CHARS = 8

/** A node id as the panel shows it: its first 8 hex digits ("—" for none). */
export function shortId(id: string | null | undefined): string {
  return id ? id.slice(0, SHORT_ID_CHARS) : '—'
}
