/**
 * RFC 6901 JSON Pointers, as far as a patch check needs them: split into unescaped segments.
 * @returns the segments (`[]` for the whole document), or `undefined` for a string that is not a pointer
 */
export function pointerSegments(pointer: string): string[] | undefined {
  if (pointer === '') return []
  if (pointer.charCodeAt(0) !== 47) return undefined // 47 is '/'
  const segments = pointer.slice(1).split('/')
  for (let i = 0; i < segments.length; i++) {
    const raw = segments[i]!
    if (!raw.includes('~')) continue
    // RFC 6901 §3: '~' is only ever followed by '0' or '1'; '~1' is decoded before '~0'.
    if (/~(?![01])/.test(raw)) return undefined
    segments[i] = raw.replaceAll('~1', '/').replaceAll('~0', '~')
  }
  return segments
}

/** Whether one pointer's segments are the other's, or begin them (either way round). */
export function pointersOverlap(a: readonly string[], b: readonly string[]): boolean {
  const length = Math.min(a.length, b.length)
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return false
  return true
}
