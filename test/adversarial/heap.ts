import v8 from 'node:v8'
import vm from 'node:vm'

v8.setFlagsFromString('--expose-gc')
const collect = vm.runInNewContext('gc') as () => void

/**
 * Memory held after a full collection, heap and Buffers (whose bytes live outside the heap) together.
 *
 * @returns bytes in use
 * @example
 * ```ts
 * const before = retainedBytes()
 * ```
 */
export function retainedBytes(): number {
  collect()
  collect()
  const usage = process.memoryUsage()
  return usage.heapUsed + usage.external
}
