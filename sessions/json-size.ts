/**
 * Whether a JSON value serializes to more than `limit` bytes, found by walking it and stopping as
 * soon as the count passes the limit, so a value far larger than the limit (a patch's `copy`
 * operations double data each time) costs no more than the limit to measure. The count is a lower
 * bound of `JSON.stringify`'s length in UTF-8 (escapes are not counted): past it, the data is too
 * large for certain.
 *
 * @param value - a JSON value
 * @param limit - the most bytes allowed
 * @returns whether the value is certainly over the limit
 * @example
 * ```ts
 * exceedsJsonBytes({ a: 'xyz' }, 8) // true: {"a":"xyz"} is 11 bytes
 * ```
 */
export function exceedsJsonBytes(value: unknown, limit: number): boolean {
  let count = 0
  const pending: unknown[] = [value]
  while (pending.length > 0) {
    const item = pending.pop()
    if (typeof item === 'string') count += Buffer.byteLength(item) + 2
    else if (typeof item === 'number' || typeof item === 'boolean') count += String(item).length
    else if (item === null || typeof item !== 'object') count += 4
    else if (Array.isArray(item)) {
      count += 2 + Math.max(0, item.length - 1)
      for (const element of item) pending.push(element)
    } else {
      const keys = Object.keys(item)
      count += 2 + Math.max(0, keys.length - 1)
      for (const key of keys) {
        count += Buffer.byteLength(key) + 3
        pending.push((item as Record<string, unknown>)[key])
      }
    }
    if (count > limit) return true
  }
  return false
}
