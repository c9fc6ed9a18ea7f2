import { readFileSync } from 'node:fs'
import type { WafMode } from '../../waf/waf-mode.js'
import type { CustomRule } from '../../waf/rule.js'
import type { WafEvent } from '../../waf/verdict.js'
import type { RouterOptions } from '../../router/router.js'
import { InvalidConfigError, UnknownConfigKeyError } from '../errors.js'
import { compileTrustProxy, type TrustProxySetting } from './trust-proxy.js'
import { validateTlsConfig, type TlsConfig } from './tls-config.js'
import { resolveSessionsConfig } from './sessions-config.js'
import { DEFAULT_SESSIONS_OPTIONS, type SessionsOptions } from '../../sessions/sessions-options.js'

/** Size limits, enforced while bytes are read, never after buffering everything. */
export interface Limits {
  /** Largest header block (request line and fields) in bytes; more answers 431 and closes. Default 16384. */
  maxHeaderBytes: number
  /** Most header fields in one request; more answers 431 and closes. Default 100. */
  maxHeaderCount: number
  /** Longest request-target in bytes; longer answers 414 and closes. Default 8192. */
  maxTargetBytes: number
  /**
   * Largest request body in bytes (a route may lower or raise it with `bodyLimit`): a larger
   * Content-Length answers 413 before any of the body is read, a chunked body as soon as it passes
   * the limit; the connection then closes. Default 10 MiB.
   */
  maxBodyBytes: number
  /**
   * Requests served on one connection: the last one's response carries `Connection: close` and
   * nothing pipelined after it is started; 0 means no maximum. Default 0.
   */
  maxRequestsPerConnection: number
  /**
   * Pipelined GET/HEAD requests handled at once on one connection; their responses still leave in
   * request order. 1 handles them one after another. Default 1.
   */
  maxConcurrentRequests: number
  /**
   * With `maxConcurrentRequests > 1`: bytes of responses held back behind a slower earlier one past
   * which no further pipelined request is started until they leave. Default 1 MiB.
   */
  maxBufferedResponseBytes: number
}

/** Timeouts in milliseconds; each is cancelled as soon as its stage completes. 0 disables one. */
export interface Timeouts {
  /**
   * From a request's first byte (for a connection's first request, from the connection's start)
   * to the end of its header block. Once a byte of the request has come the expiry answers 408 and
   * closes; a new connection that sent nothing is closed without a word. Default 20000.
   */
  headerTimeoutMs: number
  /**
   * Deadline for a whole request body, counted from the first wait for its bytes: it is not re-armed
   * by bytes trickling in, buffered or `streamBody` route alike. Expiry answers 408 and closes, or
   * only closes when part of the response has already left. Default 60000.
   */
  bodyTimeoutMs: number
  /**
   * How long a handler may take to answer: expiry sends 503 (the server was slow, not the client),
   * aborts `req.signal` and closes the connection. A streaming handler gets it afresh after each
   * piece is written (and a `streamBody` handler after each read): a piece slower than this closes
   * the connection, since its head is out. Default 60000.
   */
  handlerTimeoutMs: number
  /**
   * A keep-alive connection with no request under way is closed, without a word, this long after its
   * last response left. Default 65000: longer than common load balancers' idle timeouts (60 s), so
   * the balancer, not the server, closes first and no request races a close (the cause of 502s
   * behind node's 5 s default).
   */
  idleTimeoutMs: number
  /**
   * Time without progress while writing a response: it counts again from each piece the client
   * accepts (at most 64 KiB), so a slow client that keeps reading gets a large body whole, and one
   * that takes nothing for this long is disconnected. Default 65000.
   */
  writeTimeoutMs: number
}

/** WAF settings. `onBlock` and `rules` cannot come from a JSON file. */
export interface WafConfig {
  /** `off`, `monitor`, `basic` (default) or `strict`. */
  mode: WafMode
  /** Extra rules: an id plus a pattern or a test function. */
  rules: readonly CustomRule[]
  /** Called for every finding, blocked or (in monitor mode) not. */
  onBlock: ((event: WafEvent) => void) | undefined
}

/** The whole configuration, with every default filled in. */
export interface Config {
  /** Size limits. */
  limits: Limits
  /** Stage timeouts. */
  timeouts: Timeouts
  /** Request checks run before handlers. */
  waf: WafConfig
  /** Router options: case sensitivity, trailing slashes, longest param. */
  router: Required<RouterOptions>
  /** The `Server` header value, or `false` to send none. Default `"gatehouse"`. */
  serverHeader: string | false
  /** Responses up to this many bytes are written as one buffer (head and body copied together). Default 16384. */
  smallWriteBytes: number
  /** How long `server.close()` lets in-flight requests finish before closing them. Default 10000. */
  shutdownTimeoutMs: number
  /** HTTPS; absent means plain HTTP only. */
  tls: TlsConfig | undefined
  /** Client sessions (`app.sessions`): timeouts, limits, the cookie, the resource prefix, the store. */
  sessions: SessionsOptions
  /**
   * Which peers are proxies whose `Forwarded` / `X-Forwarded-*` fields `req.ip`, `req.protocol`,
   * `req.secure` and `req.host` believe. Default `false`: none.
   */
  trustProxy: TrustProxySetting
}

/** What `new App(config)` accepts: any part of {@link Config}, the rest defaulted. */
export type UserConfig = {
  [K in keyof Config]?: Config[K] extends object | undefined
    ? Config[K] extends readonly unknown[] | ((...args: never[]) => unknown)
      ? Config[K]
      : Partial<Config[K]>
    : Config[K]
}

const MIB = 1024 * 1024

/** The defaults, frozen. */
export const DEFAULT_CONFIG: Readonly<Config> = Object.freeze({
  limits: Object.freeze({
    maxHeaderBytes: 16 * 1024,
    maxHeaderCount: 100,
    maxTargetBytes: 8 * 1024,
    maxBodyBytes: 10 * MIB,
    maxRequestsPerConnection: 0,
    maxConcurrentRequests: 1,
    maxBufferedResponseBytes: MIB,
  }),
  timeouts: Object.freeze({
    headerTimeoutMs: 20_000,
    bodyTimeoutMs: 60_000,
    handlerTimeoutMs: 60_000,
    idleTimeoutMs: 65_000,
    writeTimeoutMs: 65_000,
  }),
  waf: Object.freeze({ mode: 'basic' as WafMode, rules: Object.freeze([]), onBlock: undefined }),
  router: Object.freeze({ caseSensitive: true, ignoreTrailingSlash: false, maxParamLength: 100 }),
  serverHeader: 'gatehouse',
  smallWriteBytes: 16 * 1024,
  shutdownTimeoutMs: 10_000,
  tls: undefined,
  sessions: DEFAULT_SESSIONS_OPTIONS,
  trustProxy: false,
})

const WAF_MODES: readonly string[] = ['off', 'monitor', 'basic', 'strict']

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function checkKeys(value: Record<string, unknown>, known: object, prefix: string): void {
  for (const key of Object.keys(value)) {
    if (!Object.hasOwn(known, key)) throw new UnknownConfigKeyError(prefix + key)
  }
}

function integer(value: unknown, key: string, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new InvalidConfigError(key, `expected an integer >= ${min}, got ${JSON.stringify(value)}`)
  }
  return value
}

function section<T extends object>(value: unknown, defaults: T, key: string): Record<string, unknown> {
  if (value === undefined) return {}
  if (!isPlainObject(value)) throw new InvalidConfigError(key, `expected an object, got ${JSON.stringify(value)}`)
  checkKeys(value, defaults, `${key}.`)
  return value
}

function numbers<T extends object>(value: unknown, defaults: T, key: string, min: number): T {
  const given = section(value, defaults, key)
  const out: Record<string, number> = { ...(defaults as Record<string, number>) }
  for (const [k, v] of Object.entries(given)) if (v !== undefined) out[k] = integer(v, `${key}.${k}`, min)
  return out as T
}

function boolean(value: unknown, key: string, fallback: boolean): boolean {
  if (value === undefined) return fallback
  if (typeof value !== 'boolean')
    throw new InvalidConfigError(key, `expected true or false, got ${JSON.stringify(value)}`)
  return value
}

function wafConfig(value: unknown): WafConfig {
  const given = section(value, DEFAULT_CONFIG.waf, 'waf')
  const mode = given.mode ?? DEFAULT_CONFIG.waf.mode
  if (typeof mode !== 'string' || !WAF_MODES.includes(mode)) {
    throw new InvalidConfigError('waf.mode', `expected one of ${WAF_MODES.join(', ')}, got ${JSON.stringify(mode)}`)
  }
  const rules = given.rules ?? []
  if (!Array.isArray(rules)) throw new InvalidConfigError('waf.rules', 'expected an array of rules')
  const onBlock = given.onBlock
  if (onBlock !== undefined && typeof onBlock !== 'function') {
    throw new InvalidConfigError('waf.onBlock', `expected a function, got ${typeof onBlock}`)
  }
  return { mode: mode as WafMode, rules: rules as CustomRule[], onBlock: onBlock as WafConfig['onBlock'] }
}

function routerConfig(value: unknown): Required<RouterOptions> {
  const given = section(value, DEFAULT_CONFIG.router, 'router')
  const defaults = DEFAULT_CONFIG.router
  return {
    caseSensitive: boolean(given.caseSensitive, 'router.caseSensitive', defaults.caseSensitive),
    ignoreTrailingSlash: boolean(given.ignoreTrailingSlash, 'router.ignoreTrailingSlash', defaults.ignoreTrailingSlash),
    maxParamLength:
      given.maxParamLength === undefined
        ? defaults.maxParamLength
        : integer(given.maxParamLength, 'router.maxParamLength', 1),
  }
}

function serverHeader(value: unknown): string | false {
  if (value === undefined) return DEFAULT_CONFIG.serverHeader
  if (value === false) return false
  // RFC 9110 §10.2.4: product tokens and comments. Printable ASCII, space and tab only: CR, LF or NUL
  // would split the response, and other bytes would be encoded differently by different paths.
  if (typeof value !== 'string' || !/^[\t\x20-\x7e]+$/.test(value)) {
    throw new InvalidConfigError(
      'serverHeader',
      `expected a non-empty string of printable ASCII (space and tab allowed), or false; got ${JSON.stringify(value)}`,
    )
  }
  return value
}

function trustProxy(value: unknown): TrustProxySetting {
  if (value === undefined) return DEFAULT_CONFIG.trustProxy
  compileTrustProxy(value)
  return value as TrustProxySetting
}

/**
 * Validates a user configuration and fills in every default.
 *
 * @param input - the configuration given to `new App()`; may be partial or absent
 * @returns a complete, validated {@link Config}
 * @throws UnknownConfigKeyError for a key Gatehouse does not know; InvalidConfigError for a bad value
 * @example
 * ```ts
 * const config = resolveConfig({ limits: { maxBodyBytes: 1024 } })
 * config.timeouts.idleTimeoutMs // 65000
 * ```
 */
export function resolveConfig(input: unknown = {}): Config {
  if (!isPlainObject(input)) throw new InvalidConfigError('config', `expected an object, got ${JSON.stringify(input)}`)
  checkKeys(input, DEFAULT_CONFIG, '')
  const limits = numbers(input.limits, DEFAULT_CONFIG.limits, 'limits', 0)
  for (const key of ['maxHeaderBytes', 'maxHeaderCount', 'maxTargetBytes', 'maxConcurrentRequests'] as const) {
    if (limits[key] < 1) throw new InvalidConfigError(`limits.${key}`, `expected an integer >= 1, got ${limits[key]}`)
  }
  return {
    limits,
    timeouts: numbers(input.timeouts, DEFAULT_CONFIG.timeouts, 'timeouts', 0),
    waf: wafConfig(input.waf),
    router: routerConfig(input.router),
    serverHeader: serverHeader(input.serverHeader),
    smallWriteBytes:
      input.smallWriteBytes === undefined
        ? DEFAULT_CONFIG.smallWriteBytes
        : integer(input.smallWriteBytes, 'smallWriteBytes', 0),
    shutdownTimeoutMs:
      input.shutdownTimeoutMs === undefined
        ? DEFAULT_CONFIG.shutdownTimeoutMs
        : integer(input.shutdownTimeoutMs, 'shutdownTimeoutMs', 0),
    tls: input.tls === undefined ? undefined : validateTlsConfig(input.tls, 'tls'),
    sessions: resolveSessionsConfig(input.sessions),
    trustProxy: trustProxy(input.trustProxy),
  }
}

/**
 * Reads a JSON configuration file and validates it like {@link resolveConfig}.
 *
 * @param path - path of a JSON file holding a partial configuration
 * @returns the complete configuration
 * @throws InvalidConfigError when the file cannot be read or is not JSON
 * @example
 * ```ts
 * const app = new App(loadConfig('./gatehouse.json'))
 * ```
 */
export function loadConfig(path: string): Config {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw new InvalidConfigError('config', `cannot read ${path}: ${(err as Error).message}`)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (err) {
    throw new InvalidConfigError('config', `${path} is not valid JSON: ${(err as Error).message}`)
  }
  return resolveConfig(parsed)
}
