/**
 * Percent-decodes a raw param value with `decodeURIComponent` semantics (RFC 3986 section 2.1,
 * UTF-8), skipping the work when the value holds no `%`.
 *
 * @param raw - the value as it appears in the path
 * @returns the decoded value, or `null` when the encoding is malformed
 * @example
 * ```ts
 * decodeParam('caf%C3%A9') // 'café'
 * decodeParam('%E0%A4%A')  // null
 * ```
 */
export function decodeParam(raw: string): string | null {
  if (raw.indexOf('%') === -1) return raw
  try {
    return decodeURIComponent(raw)
  } catch {
    return null
  }
}
