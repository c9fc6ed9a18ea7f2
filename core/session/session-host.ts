import type { RouteMatch } from '../../router/route-match.js'
import type { Waf } from '../../waf/waf.js'
import type { Config } from '../config/config.js'
import type { Request } from '../request/request.js'
import type { Response } from '../response/response.js'
import type { RouteEntry } from '../route/route-entry.js'
import type { CloseReason, Connection } from '../request/connection.js'
import type { TimerLists } from './stage-timer.js'
import type { RequestHead } from '../wire/request-head.js'
import type { RequestConnection } from '../request/request.js'
import type { ProxyTrust } from '../config/trust-proxy.js'
import type { ResponseHooks } from '../response/response-hooks.js'

/** What a Session needs from the App that runs it. */
export interface SessionHost {
  readonly config: Config
  readonly waf: Waf
  /** `Server: …\r\n` from the config, or `''`: built once, not per connection. */
  readonly serverLine: string
  /** The deadline lists the App's connections share for their stage timeouts. */
  readonly timers: TimerLists
  /** Looks up the route for a method and path. */
  route(method: string, path: string): RouteMatch<RouteEntry>
  /** Runs middleware and handlers (or the 404/405/OPTIONS answers); may return a promise. */
  handle(req: Request, res: Response, match: RouteMatch<RouteEntry>): unknown
  /** Answers a request whose handler failed; may return a promise. */
  handleError(err: unknown, req: Request, res: Response): unknown
  /**
   * Reports an error that no answer can carry: a transport failure, a hook that threw (no request),
   * or a handler's error once its response's head has left (with that request and response).
   */
  reportError(err: unknown, req?: Request, res?: Response): void
  /** Called when a connection starts, when the App has `onConnection` hooks. */
  connectionOpened?: ((connection: Connection) => void) | undefined
  /**
   * Set when the App has response hooks: a fixed answer of the Session's own (400/413/414/431
   * for bad input, 408) is handed over so the hooks run for it too, and the bytes it returns go
   * out instead. `head` is `undefined` when the request could not be parsed. `hooks` are those of
   * a response the answer replaces (a handler's that timed out): they report it, once.
   */
  fixedAnswer?:
    | ((
        bytes: Buffer,
        head: RequestHead | undefined,
        connection: RequestConnection,
        hooks?: ResponseHooks<Response>,
      ) => Buffer)
    | undefined
  /** Set when the App has response hooks: called before the Session answers a request itself (a WAF block). */
  ownAnswer?: ((res: Response, head: RequestHead, connection: RequestConnection) => void) | undefined
  /** The compiled `trustProxy`, or undefined when no peer is trusted. */
  readonly trustProxy?: ProxyTrust | undefined
  /** Called when a connection ends, when the App has `onClose` hooks. */
  connectionClosed?: ((connection: Connection, reason: CloseReason) => void) | undefined
}
