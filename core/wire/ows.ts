/**
 * Strips OWS (SP and HTAB, RFC 9110 §5.6.3) from both ends, and nothing else. `String#trim` also
 * strips NBSP (0xA0) and other Unicode spaces: `Transfer-Encoding: <NBSP>chunked` would then read as
 * chunked here and as an unknown coding to a proxy in front, a disagreement about framing.
 */
export function trimOws(text: string): string {
  let start = 0
  let end = text.length
  while (start < end && (text.charCodeAt(start) === 32 || text.charCodeAt(start) === 9)) start++
  while (end > start && (text.charCodeAt(end - 1) === 32 || text.charCodeAt(end - 1) === 9)) end--
  return start === 0 && end === text.length ? text : text.slice(start, end)
}
