import type { WafMode } from '../../waf/waf-mode.js'
import type { Handler } from './handler.js'
import type { ConstantResponse } from '../response/constant-response.js'
import type { StandardSchemaV1 } from '@standard-schema/spec'

/**
 * Validators for the parts of a request, any Standard Schema implementation (zod, valibot,
 * arktype …). A value that fails answers 400 with the issues; one that passes is what the handler
 * reads, typed from the schema: `req.data` (body), `req.query`, `req.params`.
 */
export interface RouteSchema {
  /**
   * The body, read as JSON (`application/json` or a `+json` type) or as a urlencoded form when sent
   * as one; any other Content-Type answers 415.
   */
  readonly body?: StandardSchemaV1
  /** The query object (`req.query`). */
  readonly query?: StandardSchemaV1
  /** The route params (`req.params`). */
  readonly params?: StandardSchemaV1
}

/** Per-route options, given between the path and the handlers: `app.post(path, { bodyLimit }, handler)`. */
export interface RouteOptions {
  /** This route's body limit in bytes, in place of `limits.maxBodyBytes`. */
  bodyLimit?: number
  /** This route's WAF mode, in place of `waf.mode`. */
  waf?: WafMode
  /**
   * Hand the body to the handler as it arrives (`req.stream()`) instead of reading it whole first.
   * The limit and framing still apply; the WAF's body checks do not (there is no whole body).
   */
  streamBody?: boolean
  /** Validators for the body, query and params; see {@link RouteSchema}. */
  schema?: RouteSchema
  /**
   * This route's handler timeout in ms, in place of `timeouts.handlerTimeoutMs`: an integer from 0
   * (no timeout, as in the config) to 2147483647 (the longest a Node timer waits). A streamed
   * response has it anew for each piece it writes.
   */
  handlerTimeoutMs?: number
  /**
   * The name of a path param that carries a client session's id, e.g. `{ session: 'sid' }` on
   * `/use/:sid`: a live session named there is the request's session (over cookie and headers).
   */
  session?: string
}

/** What the router stores for one method of one route. */
export interface RouteEntry {
  /** The path pattern it was registered with. */
  readonly pattern: string
  /** Route handlers, run after the App's middleware. */
  readonly handlers: readonly Handler[]
  /** Body limit in bytes, or `undefined` for the default. */
  readonly bodyLimit: number | undefined
  /** WAF mode, or `undefined` for the default. */
  readonly wafMode: WafMode | undefined
  /** Whether the body is streamed to the handler. */
  readonly streamBody: boolean
  /** A pre-serialized response served without handlers (`app.constant()`). */
  readonly constant: ConstantResponse | undefined
  /** The path param that carries a client session's id, if the route declares one. */
  readonly sessionParam?: string | undefined
  /** The handler timeout in ms (0: none), or `undefined` for `timeouts.handlerTimeoutMs`. */
  readonly handlerTimeoutMs?: number | undefined
}
