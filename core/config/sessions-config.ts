import { DEFAULT_SESSIONS_OPTIONS, type SessionsOptions } from '../../sessions/sessions-options.js'
import { pointerSegments } from '../../sessions/json-pointer.js'
import { InvalidConfigError, UnknownConfigKeyError } from '../errors.js'

const STORE_METHODS = [
  'create',
  'get',
  'save',
  'touch',
  'delete',
  'rename',
  'claimExpired',
  'count',
  'leastRecentlyActive',
  'ids',
  'acquireLease',
  'renewLease',
  'releaseLease',
  'publish',
  'subscribe',
  'close',
] as const
// `onError` is optional: a store of this process only has no outage to report.

function integer(value: unknown, key: string, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new InvalidConfigError(key, `expected an integer >= ${min}, got ${JSON.stringify(value)}`)
  }
  return value
}

function path(value: unknown, key: string): string {
  // A path prefix of one or more segments: it becomes a route, and a Referer is matched against it.
  if (typeof value !== 'string' || !/^(\/[A-Za-z0-9._~-]+)+$/.test(value)) {
    throw new InvalidConfigError(
      key,
      `expected a path such as "/__session" (segments of letters, digits, . _ ~ -), got ${JSON.stringify(value)}`,
    )
  }
  return value
}

function cookieName(value: unknown): string {
  // RFC 6265 §4.1.1: a cookie-name is an RFC 2616 token.
  if (typeof value !== 'string' || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(value)) {
    throw new InvalidConfigError(
      'sessions.cookieName',
      `expected a token (RFC 6265 cookie-name), got ${JSON.stringify(value)}`,
    )
  }
  return value
}

function readOnlyPaths(value: unknown): readonly string[] {
  if (!Array.isArray(value))
    throw new InvalidConfigError('sessions.readOnlyPaths', 'expected an array of JSON Pointers')
  for (const pointer of value) {
    if (typeof pointer !== 'string' || pointer === '' || pointerSegments(pointer) === undefined) {
      throw new InvalidConfigError(
        'sessions.readOnlyPaths',
        `expected JSON Pointers such as "/user/id", got ${JSON.stringify(pointer)}`,
      )
    }
  }
  return Object.freeze([...(value as string[])])
}

function store(value: unknown): SessionsOptions['store'] {
  if (value === undefined) return undefined
  const missing = STORE_METHODS.filter(
    (name) => typeof (value as Record<string, unknown> | null)?.[name] !== 'function',
  )
  if (missing.length > 0)
    throw new InvalidConfigError('sessions.store', `expected a SessionStore; missing ${missing.join(', ')}`)
  return value as SessionsOptions['store']
}

/**
 * Validates the `sessions` section of a configuration and fills in its defaults.
 * @param value - the section as given (may be absent)
 * @returns every sessions key
 * @throws UnknownConfigKeyError / InvalidConfigError naming the key
 */
export function resolveSessionsConfig(value: unknown): SessionsOptions {
  if (value === undefined) return DEFAULT_SESSIONS_OPTIONS
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new InvalidConfigError('sessions', `expected an object, got ${JSON.stringify(value)}`)
  const given = value as Record<string, unknown>
  for (const key of Object.keys(given))
    if (!Object.hasOwn(DEFAULT_SESSIONS_OPTIONS, key) && key !== 'store')
      throw new UnknownConfigKeyError(`sessions.${key}`)
  const d = DEFAULT_SESSIONS_OPTIONS
  const timeout = given.defaultTimeoutMinutes ?? d.defaultTimeoutMinutes
  if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout <= 0) {
    throw new InvalidConfigError(
      'sessions.defaultTimeoutMinutes',
      `expected a number of minutes > 0, got ${JSON.stringify(timeout)}`,
    )
  }
  const whenFull = given.whenFull ?? d.whenFull
  if (whenFull !== 'evict' && whenFull !== 'refuse')
    throw new InvalidConfigError('sessions.whenFull', `expected "evict" or "refuse", got ${JSON.stringify(whenFull)}`)
  const resolved: SessionsOptions = {
    defaultTimeoutMinutes: timeout,
    maxSessions: integer(given.maxSessions ?? d.maxSessions, 'sessions.maxSessions', 0),
    whenFull,
    maxDataBytes: integer(given.maxDataBytes ?? d.maxDataBytes, 'sessions.maxDataBytes', 2),
    maxPatchBytes: integer(given.maxPatchBytes ?? d.maxPatchBytes, 'sessions.maxPatchBytes', 2),
    runTimeoutMs: integer(given.runTimeoutMs ?? d.runTimeoutMs, 'sessions.runTimeoutMs', 0),
    resourcePrefix: path(given.resourcePrefix ?? d.resourcePrefix, 'sessions.resourcePrefix'),
    readOnlyPaths: readOnlyPaths(given.readOnlyPaths ?? d.readOnlyPaths),
    cookieName: cookieName(given.cookieName ?? d.cookieName),
    cookieMaxAgeSeconds: integer(given.cookieMaxAgeSeconds ?? d.cookieMaxAgeSeconds, 'sessions.cookieMaxAgeSeconds', 0),
    resolutionMs: integer(given.resolutionMs ?? d.resolutionMs, 'sessions.resolutionMs', 1),
    leaseMs: integer(given.leaseMs ?? d.leaseMs, 'sessions.leaseMs', 30),
  }
  const chosen = store(given.store)
  return chosen === undefined ? resolved : { ...resolved, store: chosen }
}
