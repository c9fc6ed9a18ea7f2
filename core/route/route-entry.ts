import type { WafMode } from '../../waf/waf.js'
import type { Handler } from './handler.js'
import type { ConstantResponse } from '../response/constant-response.js'

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
}
