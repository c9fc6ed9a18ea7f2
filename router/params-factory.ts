import { ParamsObject } from './params-object.js'
import type { Params } from './route-match.js'

/**
 * Builds a route's params from the offsets a lookup recorded: `new Factory(path, starts, ends)`
 * cuts value `k` out of `path` at `starts[k]`..`ends[k]` and stores it under the route's `k`-th name.
 */
export type ParamsFactory = new (path: string, starts: readonly number[], ends: readonly number[]) => Params

const FACTORIES = new Map<string, ParamsFactory>()

/**
 * Compiles, once per route shape at registration, a constructor that stores every param under a
 * fixed name in a fixed order (find-my-way builds its params factories the same way). Each
 * object then starts with its final hidden class, instead of growing one keyed store at a time,
 * which made building params the dearest step of a lookup. The prototype is the null-prototype
 * object of `ParamsObject`, so keys like `__proto__` stay plain data.
 *
 * @param names - the route's param names in path order (`'*'` for a wildcard)
 * @returns the constructor
 * @example
 * ```ts
 * const Factory = compileParamsFactory(['owner', 'repo'])
 * new Factory('/repos/octocat/hi', [7, 15], [14, 17]) // { owner: 'octocat', repo: 'hi' }
 * ```
 */
export function compileParamsFactory(names: readonly string[]): ParamsFactory {
  // Routes with the same names share one constructor: fewer functions for V8 to warm up, and
  // fewer targets at the call site that builds params.
  const key = JSON.stringify(names)
  const cached = FACTORIES.get(key)
  if (cached !== undefined) return cached
  // Names are written as JSON string literals, so no name can change the generated code.
  const body = names.map((name, k) => `this[${JSON.stringify(name)}] = path.slice(starts[${k}], ends[${k}])`).join('\n')
  let factory: ParamsFactory
  try {
    factory = new Function('path', 'starts', 'ends', body) as unknown as ParamsFactory
  } catch (error) {
    // Code generation disallowed (`node --disallow-code-generation-from-strings`); anything else is a fault.
    if (!(error instanceof EvalError)) throw error
    factory = loopFactory(names)
  }
  factory.prototype = ParamsObject.prototype
  FACTORIES.set(key, factory)
  return factory
}

/** The same constructor without code generation: the keys are stored in the same order. */
function loopFactory(names: readonly string[]): ParamsFactory {
  return function Params(this: Params, path: string, starts: readonly number[], ends: readonly number[]): void {
    for (let k = 0; k < names.length; k++) this[names[k] as string] = path.slice(starts[k], ends[k])
  } as unknown as ParamsFactory
}
