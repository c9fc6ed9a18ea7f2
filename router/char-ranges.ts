/**
 * A set of UTF-16 code units as sorted, disjoint, inclusive ranges `[lo0, hi0, lo1, hi1, …]`:
 * what one atom of a constraint (`a`, `\d`, `[^/.]`, `.`) accepts. A constraint runs without the
 * `u` flag, so it reads code units, as `charCodeAt` returns them.
 *
 * @example
 * ```ts
 * const digits: CharRanges = [48, 57]
 * ```
 */
export type CharRanges = readonly number[]

const MAX_CODE_UNIT = 0xffff

/** `\d` */
export const DIGIT: CharRanges = [48, 57]
/** `\w`: ASCII letters, digits and `_`. */
export const WORD: CharRanges = [48, 57, 65, 90, 95, 95, 97, 122]
/** `\s`: ECMAScript's WhiteSpace and LineTerminator code points, all in the BMP. */
export const SPACE: CharRanges = [
  9, 13, 32, 32, 0xa0, 0xa0, 0x1680, 0x1680, 0x2000, 0x200a, 0x2028, 0x2029, 0x202f, 0x202f, 0x205f, 0x205f, 0x3000,
  0x3000, 0xfeff, 0xfeff,
]
/** `.` without the `s` flag: every code unit but the line terminators. */
export const ANY_BUT_NEWLINE: CharRanges = [0, 9, 11, 12, 14, 0x2027, 0x202a, MAX_CODE_UNIT]

/**
 * @param code - one code unit
 * @returns the set holding just it
 * @example
 * ```ts
 * single(97) // [97, 97]
 * ```
 */
export function single(code: number): CharRanges {
  return [code, code]
}

/**
 * @param sets - any ranges, in any order, overlapping or not
 * @returns their union, sorted and merged
 * @example
 * ```ts
 * union([[97, 99], [98, 100], [48, 57]]) // [48, 57, 97, 100]
 * ```
 */
export function union(sets: readonly CharRanges[]): CharRanges {
  const pairs: [number, number][] = []
  for (const set of sets) for (let i = 0; i < set.length; i += 2) pairs.push([set[i] as number, set[i + 1] as number])
  pairs.sort((a, b) => a[0] - b[0])
  const merged: number[] = []
  for (const [lo, hi] of pairs) {
    const last = merged.length - 1
    if (last > 0 && lo <= (merged[last] as number) + 1) merged[last] = Math.max(merged[last] as number, hi)
    else merged.push(lo, hi)
  }
  return merged
}

/**
 * @param set - sorted, merged ranges
 * @returns every code unit not in `set`
 * @example
 * ```ts
 * complement([48, 57]) // [0, 47, 58, 65535]
 * ```
 */
export function complement(set: CharRanges): CharRanges {
  const out: number[] = []
  let next = 0
  for (let i = 0; i < set.length; i += 2) {
    if ((set[i] as number) > next) out.push(next, (set[i] as number) - 1)
    next = (set[i + 1] as number) + 1
  }
  if (next <= MAX_CODE_UNIT) out.push(next, MAX_CODE_UNIT)
  return out
}
