import { InvalidOptionError } from '../errors.js'

/**
 * Refuses a hook, handler or callback that is not a function when it is registered, so the
 * mistake throws once with its name instead of failing on every request or connection later.
 * @param value - what was passed
 * @param name - the API and argument, e.g. `app.onError()`
 * @throws InvalidOptionError naming `name` when `value` is not a function
 * @example
 * ```ts
 * requireFunction(hook, 'app.onFinish()')
 * ```
 */
export function requireFunction(value: unknown, name: string): void {
  if (typeof value !== 'function')
    throw new InvalidOptionError(name, `expected a function, got ${value === null ? 'null' : typeof value}`)
}
