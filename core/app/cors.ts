import type { Request } from '../request/request.js'
import type { Response } from '../response/response.js'
import { InvalidOptionError } from '../errors.js'

/** Which origins may read responses: every one, one, a list, a pattern, or a decision per request. */
export type CorsOrigin = '*' | string | readonly string[] | RegExp | ((origin: string, req: Request) => boolean)

/** Options of `app.cors()`. */
export interface CorsOptions {
  /** Allowed origins. Default `'*'`, which `credentials: true` refuses: name the origins then. */
  origin?: CorsOrigin
  /** Send `Access-Control-Allow-Credentials: true` (cookies and auth on cross-origin requests). Default false. */
  credentials?: boolean
  /** Methods a preflight allows. Default GET, HEAD, PUT, PATCH, POST, DELETE. */
  methods?: readonly string[]
  /** Request headers a preflight allows. Default: those the preflight asks for. */
  allowedHeaders?: readonly string[]
  /** Response headers the page may read beyond the safelisted ones. Default none. */
  exposedHeaders?: readonly string[]
  /** Seconds a browser may cache a preflight's answer. Default 600. */
  maxAge?: number
}

const DEFAULT_METHODS = ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE']
const PRINTABLE = /^[\x20-\x7e]*$/
const ALLOW_ORIGIN = 'Access-Control-Allow-Origin'
const ALLOW_CREDENTIALS = 'Access-Control-Allow-Credentials'
const EXPOSE_HEADERS = 'Access-Control-Expose-Headers'

interface Resolved {
  readonly allows: (origin: string, req: Request) => boolean
  /**
   * Whether an allowed origin is always one of the configured ones, each checked here as a field
   * value (printable ASCII): then it is echoed without being checked again per response.
   */
  readonly echoesChecked: boolean
  /** Whether the answer is the same for every origin (`*` without credentials): no `Vary: Origin`. */
  readonly wildcard: boolean
  readonly credentials: boolean
  readonly methods: string
  readonly allowedHeaders: string | undefined
  readonly exposedHeaders: string | undefined
  readonly maxAge: string
}

function tokens(value: unknown, key: string): string | undefined {
  if (value === undefined) return undefined
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(v))) {
    throw new InvalidOptionError(
      `cors.${key}`,
      `expected a list of header names or methods (tokens), got ${JSON.stringify(value)}`,
    )
  }
  return (value as string[]).join(', ')
}

function resolve(options: CorsOptions): Resolved {
  if (typeof options !== 'object' || options === null)
    throw new InvalidOptionError('cors', 'expected an options object')
  const known = ['origin', 'credentials', 'methods', 'allowedHeaders', 'exposedHeaders', 'maxAge']
  for (const key of Object.keys(options))
    if (!known.includes(key)) throw new InvalidOptionError(`cors.${key}`, 'unknown option')
  const origin = options.origin ?? '*'
  let allows: Resolved['allows']
  if (origin === '*') allows = () => true
  else if (typeof origin === 'string') allows = (o) => o === origin
  else if (Array.isArray(origin) && origin.every((o) => typeof o === 'string')) {
    const set = new Set(origin as readonly string[])
    allows = (o) => set.has(o)
  } else if (origin instanceof RegExp) allows = (o) => origin.test(o)
  else if (typeof origin === 'function') allows = origin as (o: string, req: Request) => boolean
  else throw new InvalidOptionError('cors.origin', 'expected "*", an origin, a list of origins, a RegExp or a function')
  if (options.credentials !== undefined && typeof options.credentials !== 'boolean')
    throw new InvalidOptionError('cors.credentials', 'expected true or false')
  const maxAge = options.maxAge ?? 600
  if (!Number.isSafeInteger(maxAge) || maxAge < 0)
    throw new InvalidOptionError('cors.maxAge', `expected whole seconds >= 0, got ${String(maxAge)}`)
  const credentials = options.credentials === true
  // Browsers refuse `*` with credentials; echoing every origin instead would let any site read
  // responses with the user's cookies. Wanting that anyway is said with a function.
  if (credentials && origin === '*')
    throw new InvalidOptionError(
      'cors.origin',
      'credentials need the allowed origins named (an origin, a list, a RegExp or a function), not "*"',
    )
  const configured = typeof origin === 'string' ? [origin] : Array.isArray(origin) ? (origin as string[]) : []
  return {
    allows,
    echoesChecked: configured.length > 0 && configured.every((o) => PRINTABLE.test(o)),
    wildcard: origin === '*' && !credentials,
    credentials,
    methods: tokens(options.methods, 'methods') ?? DEFAULT_METHODS.join(', '),
    allowedHeaders: tokens(options.allowedHeaders, 'allowedHeaders'),
    exposedHeaders: tokens(options.exposedHeaders, 'exposedHeaders'),
    maxAge: String(maxAge),
  }
}

/**
 * CORS (the Fetch standard's protocol) as two parts: a check that answers preflights
 * (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) with 204, and a response hook that
 * adds the origin's headers to every response — the Session's own answers too (413, 404, a WAF
 * block), so the page sees the real status instead of "Failed to fetch".
 *
 * @param options - origins, credentials, methods, headers, preflight cache
 * @returns the preflight check (`true` when it answered) and the response hook; `app.cors()`
 *   runs the check before any middleware, so other requests pay nothing for it
 * @throws InvalidOptionError for a bad option
 */
export function corsParts(options: CorsOptions = {}): {
  preflight: (req: Request, res: Response) => boolean
  onResponse: (req: Request, res: Response) => void
} {
  const cors = resolve(options)
  // Every field but an origin of the client's own choosing was checked above, once: responses
  // add them without checking them again.
  const onResponse = (req: Request, res: Response): void => {
    if (!cors.wildcard) res.appendCheckedHeader('Vary', 'Origin')
    const origin = req.header('origin')
    if (origin === undefined) {
      if (cors.wildcard) res.setCheckedHeader(ALLOW_ORIGIN, 'access-control-allow-origin', '*')
      return
    }
    if (!cors.allows(origin, req)) return
    if (cors.wildcard || cors.echoesChecked)
      res.setCheckedHeader(ALLOW_ORIGIN, 'access-control-allow-origin', cors.wildcard ? '*' : origin)
    else res.header(ALLOW_ORIGIN, origin)
    if (cors.credentials) res.setCheckedHeader(ALLOW_CREDENTIALS, 'access-control-allow-credentials', 'true')
    if (cors.exposedHeaders !== undefined && req.method !== 'OPTIONS')
      res.setCheckedHeader(EXPOSE_HEADERS, 'access-control-expose-headers', cors.exposedHeaders)
  }
  const preflight = (req: Request, res: Response): boolean => {
    if (
      req.method !== 'OPTIONS' ||
      req.header('origin') === undefined ||
      req.header('access-control-request-method') === undefined
    )
      return false
    const headers = cors.allowedHeaders ?? req.header('access-control-request-headers')
    if (cors.allowedHeaders === undefined && headers !== undefined)
      res.appendHeader('Vary', 'Access-Control-Request-Headers')
    res.status(204).header('Access-Control-Allow-Methods', cors.methods).header('Access-Control-Max-Age', cors.maxAge)
    if (headers !== undefined && headers !== '') res.header('Access-Control-Allow-Headers', headers)
    res.send()
    return true
  }
  return { preflight, onResponse }
}
