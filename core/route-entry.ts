import type { WafMode } from '../waf/waf.js'
import type { Handler } from './handler.js'

/** Per-route options, given between the path and the handlers: `app.post(path, { bodyLimit }, handler)`. */
export interface RouteOptions {
  /** This route's body limit in bytes, in place of `limits.maxBodyBytes`. */
  bodyLimit?: number
  /** This route's WAF mode, in place of `waf.mode`. */
  waf?: WafMode
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
}
