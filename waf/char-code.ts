/**
 * `text.charCodeAt(index)`, but 0 outside the string. Scanners look one or two characters ahead and
 * behind; a native out-of-bounds read returns NaN, which makes V8 drop the optimized code of the
 * loop, and a loop that keeps doing so runs orders of magnitude slower. Reading through this helper
 * keeps every hot loop on its optimized path.
 *
 * @param text - the string
 * @param index - any index, possibly negative or past the end
 * @returns the UTF-16 code unit, or 0 outside the string
 * @example
 * ```ts
 * codeAt('ab', 1) // 98
 * codeAt('ab', 2) // 0
 * ```
 */
export function codeAt(text: string, index: number): number {
  return index >= 0 && index < text.length ? text.charCodeAt(index) : 0
}
