/**
 * Whether the edge text `prefix` is at offset `i` of `path`, which is known to be long enough
 * and to hold the edge's first char there already (the child index matched it).
 *
 * @param prefix - the edge text
 * @param path - the path being matched
 * @param i - where the edge starts in `path`
 * @returns whether every char after the first matches
 * @example
 * ```ts
 * edgeMatches('users/', '/users/42', 1) // true
 * ```
 */
export function edgeMatches(prefix: string, path: string, i: number): boolean {
  // A char loop beats startsWith on the short edges of a route tree.
  for (let k = 1; k < prefix.length; k++) {
    if (prefix.charCodeAt(k) !== path.charCodeAt(i + k)) return false
  }
  return true
}

/**
 * @param a - an edge text
 * @param b - text being inserted
 * @returns how many leading chars `a` and `b` share: where an edge splits on insert
 * @example
 * ```ts
 * commonPrefixLength('users', 'user-agents') // 4
 * ```
 */
export function commonPrefixLength(a: string, b: string): number {
  const max = Math.min(a.length, b.length)
  let i = 0
  while (i < max && a.charCodeAt(i) === b.charCodeAt(i)) i++
  return i
}
