import type { RouteOptions } from '../route/route-entry.js'
import { InvalidRouteOptionError, UnknownRouteOptionError } from './errors.js'

const WAF_MODES: readonly unknown[] = ['off', 'monitor', 'basic', 'strict']
const SCHEMA_PARTS = ['body', 'query', 'params']
/** The longest a Node timer waits: a longer one fires after 1 ms (with a warning), not later. */
const MAX_TIMER_MS = 2_147_483_647

/** Each known option and the check of its value; a value of `undefined` means the default. */
const CHECKS: Readonly<Record<string, (value: unknown) => string | undefined>> = {
  bodyLimit: (v) =>
    typeof v === 'number' && Number.isSafeInteger(v) && v >= 0
      ? undefined
      : `expected an integer >= 0 (bytes), got ${describe(v)}`,
  waf: (v) => (WAF_MODES.includes(v) ? undefined : `expected one of ${WAF_MODES.join(', ')}, got ${describe(v)}`),
  // 0 means no timeout, as in the config; Infinity is refused so that "none" has one spelling.
  handlerTimeoutMs: (v) =>
    typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= MAX_TIMER_MS
      ? undefined
      : `expected an integer from 0 (no timeout) to ${MAX_TIMER_MS} (milliseconds), got ${describe(v)}`,
  streamBody: (v) => (typeof v === 'boolean' ? undefined : `expected true or false, got ${describe(v)}`),
  session: (v) =>
    typeof v === 'string' && /^[A-Za-z_$][\w$]*$/.test(v)
      ? undefined
      : `expected the name of one of the route's params, got ${describe(v)}`,
  schema: (v) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      return `expected { body?, query?, params? } of Standard Schema validators, got ${describe(v)}`
    for (const [part, schema] of Object.entries(v)) {
      if (!SCHEMA_PARTS.includes(part)) return `unknown part ${JSON.stringify(part)}: expected body, query or params`
      if (schema !== undefined && !isStandardSchema(schema))
        return `${part}: expected a Standard Schema validator (zod, valibot, arktype …), got ${describe(schema)}`
    }
    return undefined
  },
}

/** Whether a route pattern declares `:name` (a whole param name, before any constraint). */
function namesParam(pattern: string, name: string): boolean {
  for (let at = pattern.indexOf(`:${name}`); at !== -1; at = pattern.indexOf(`:${name}`, at + 1)) {
    const after = pattern.charCodeAt(at + name.length + 1)
    if (Number.isNaN(after) || !/[\w$]/.test(String.fromCharCode(after))) return true
  }
  return false
}

function isStandardSchema(value: unknown): boolean {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false
  const props = (value as Record<string, unknown>)['~standard'] as Record<string, unknown> | undefined
  return typeof props === 'object' && props !== null && props.version === 1 && typeof props.validate === 'function'
}

function describe(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'bigint') return String(value)
  if (typeof value === 'function') return 'a function'
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? String(value)
  return Array.isArray(value) ? 'an array' : 'an object'
}

/**
 * Checks a route's options at registration, so a typo or a bad value fails loudly at start-up
 * instead of silently changing what the route does (`bodyLimit: NaN` lifting the limit,
 * `waf: 'of'` answering nothing).
 *
 * @param route - `METHOD /pattern`, for the message
 * @param options - what was given between the path and the handlers
 * @returns the options, typed
 * @throws UnknownRouteOptionError for a key it does not know; InvalidRouteOptionError for a bad value
 */
export function validateRouteOptions(route: string, options: unknown): RouteOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidRouteOptionError(route, 'options', `expected an object or a handler, got ${describe(options)}`)
  }
  for (const [key, value] of Object.entries(options)) {
    const check = Object.hasOwn(CHECKS, key) ? CHECKS[key] : undefined
    if (check === undefined) throw new UnknownRouteOptionError(route, key)
    if (value === undefined) continue
    const problem = check(value)
    if (problem !== undefined) throw new InvalidRouteOptionError(route, key, problem)
  }
  const session = (options as RouteOptions).session
  if (session !== undefined && !namesParam(route.slice(route.indexOf(' ') + 1), session))
    throw new InvalidRouteOptionError(route, 'session', `the path has no param :${session}`)
  return options as RouteOptions
}
