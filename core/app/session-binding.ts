import { serialize } from 'cookie'
import type { ClientSession } from '../../sessions/client-session.js'
import { SessionDestroyedError } from '../../sessions/errors.js'
import type { SessionRegistry } from '../../sessions/session-registry.js'
import { isSessionIdForm, SESSION_ID_LENGTH } from '../../sessions/session-id.js'
import type { Request, RequestSessionSink } from '../request/request.js'
import type { Response } from '../response/response.js'

/**
 * Finds the client session of each request and sends a new session's cookie or URI: the seam
 * between `sessions/` and the server. Every source is checked with a length and character test
 * before any lookup, so malformed or oversized values cost nothing and never throw.
 */
export class SessionBinding implements RequestSessionSink {
  readonly #registry: SessionRegistry
  readonly #cookieName: string
  readonly #cookieMaxAgeSeconds: number
  // `<prefix>/`, which a Referer's path starts with when it names a session's resource.
  readonly #resourcePath: string
  readonly #report: (err: unknown) => void
  // The request each session last ran for. Its runs are one at a time, so this is the one running
  // now when its response is not yet sent: a regenerate() in its handler sends the new id with it.
  readonly #lastRequest = new WeakMap<ClientSession, { req: Request; res: Response }>()

  /**
   * @param registry - the application's sessions
   * @param report - where a failure to save a session created by a handler goes
   */
  constructor(registry: SessionRegistry, report: (err: unknown) => void) {
    this.#registry = registry
    this.#report = report
    this.#cookieName = registry.options.cookieName
    this.#cookieMaxAgeSeconds = registry.options.cookieMaxAgeSeconds
    this.#resourcePath = `${registry.options.resourcePrefix}/`
    registry.onRename((session) => {
      const last = this.#lastRequest.get(session)
      if (last !== undefined && !last.res.headersSent) this.#sendId(last.req, last.res, session)
    })
  }

  /** The request `session` runs for now, so that a new id given to it reaches this response. */
  runsFor(session: ClientSession, req: Request, res: Response): void {
    this.#lastRequest.set(session, { req, res })
  }

  /** Whether any request could carry a session now: none is looked for before the first exists. */
  get isInUse(): boolean {
    return this.#registry.size > 0 || this.#registry.store.isShared
  }

  /** Whether sessions live in a shared store, where a request's session is looked up with `findShared`. */
  get isShared(): boolean {
    return this.#registry.store.isShared
  }

  /**
   * `find` for a shared store: the same sources in the same order, an id this process does not
   * hold loaded from the store (a session made by another worker). The highest-ranked source that
   * names a live session wins. Synchronous when no source names a session, or the highest-ranked
   * one names a session in hand, so a request without a session never waits for the store.
   * @throws SessionStoreUnavailableError (as a rejection) when the store does not answer: 503
   */
  findShared(
    req: Request,
    socketSession: ClientSession | undefined,
    paramId: string | undefined,
  ): ClientSession | undefined | Promise<ClientSession | undefined> {
    // Highest rank first, as `find` lets a later source win.
    const candidates: { id: string; cookie: boolean }[] = []
    const collect =
      (cookie: boolean) =>
      (id: string): undefined => {
        if (isSessionIdForm(id)) candidates.push({ id, cookie })
        return undefined
      }
    if (paramId !== undefined) collect(false)(paramId)
    const xReferer = req.header('x-referer')
    if (xReferer !== undefined) {
      this.#fromXReferer(xReferer, req, collect(false))
    }
    const cookie = req.header('cookie')
    if (cookie !== undefined) this.#fromCookie(cookie, collect(true))
    const referer = req.header('referer')
    if (referer !== undefined) this.#fromReferer(referer, req, collect(false))
    if (candidates.length === 0) return socketSession
    const held = this.#registry.get(candidates[0]!.id)
    if (held !== undefined) {
      if (candidates[0]!.cookie) this.#registry.carriesCookie(held)
      return held
    }
    return this.#loadFirst(candidates, socketSession)
  }

  async #loadFirst(
    candidates: readonly { id: string; cookie: boolean }[],
    socketSession: ClientSession | undefined,
  ): Promise<ClientSession | undefined> {
    for (const { id, cookie } of candidates) {
      const session = await this.#registry.load(id, cookie)
      if (session !== undefined) return session
    }
    return socketSession
  }

  /**
   * The request's session, from each source in turn, a later one winning when it names a live
   * session: the socket's, `Referer`, the cookie, `X-Referer`, the route's session param.
   * @param req - the request
   * @param socketSession - the session bound to the request's socket, if any
   * @param paramId - the value of the route's session param, if it declares one
   */
  find(req: Request, socketSession: ClientSession | undefined, paramId: string | undefined): ClientSession | undefined {
    let found = socketSession
    const referer = req.header('referer')
    if (referer !== undefined) found = this.#fromReferer(referer, req) ?? found
    const cookie = req.header('cookie')
    if (cookie !== undefined) found = this.#fromCookie(cookie) ?? found
    const xReferer = req.header('x-referer')
    if (xReferer !== undefined) found = this.#fromXReferer(xReferer, req) ?? found
    if (paramId !== undefined) found = this.#live(paramId) ?? found
    return found
  }

  /** `req.session` was assigned: the response carries the new session's cookie or `Location`. */
  assigned(
    req: Request,
    response: unknown,
    session: ClientSession | undefined,
    previous: ClientSession | undefined,
  ): void {
    const res = response as Response
    if (session === undefined) {
      // Logged out: a cookie the browser holds for a session that is gone is cleared (Max-Age=0).
      if (previous?.useCookie === true)
        res.appendHeader('Set-Cookie', serialize(this.#cookieName, '', this.#cookieOptions(req, 0)))
      return
    }
    // A session new to this request is held until its response ends, then its changes are saved,
    // as for a session the request arrived with.
    if (session !== previous) this.#registry.run(session, () => res.finished()).catch(this.#reportRunFailure)
    this.#lastRequest.set(session, { req, res })
    this.#sendId(req, res, session)
  }

  /** The session's cookie, or its URI in `Location`. */
  #sendId(req: Request, res: Response, session: ClientSession): void {
    if (session.useCookie)
      res.appendHeader(
        'Set-Cookie',
        serialize(
          this.#cookieName,
          session.id,
          this.#cookieOptions(req, this.#cookieMaxAgeSeconds > 0 ? this.#cookieMaxAgeSeconds : undefined),
        ),
      )
    else res.header('Location', session.uri)
  }

  /** `maxAge` undefined makes a browser-session cookie: no `Max-Age`, no `Expires`. */
  #cookieOptions(req: Request, maxAge: number | undefined): Parameters<typeof serialize>[2] {
    const options = { httpOnly: true, sameSite: 'lax', path: '/', secure: req.secure } as const
    return maxAge === undefined ? options : { ...options, maxAge }
  }

  // With a shared store, a session whose record could not be created was reported as not saved
  // and ended: its run's SessionDestroyedError says nothing more.
  readonly #reportRunFailure = (err: unknown): void => {
    if (!(this.#registry.store.isShared && err instanceof SessionDestroyedError)) this.#report(err)
  }

  readonly #live = (id: string): ClientSession | undefined => (isSessionIdForm(id) ? this.#registry.get(id) : undefined)

  #fromCookie(header: string, lookup = this.#live): ClientSession | undefined {
    const name = this.#cookieName
    // A scan for `name=` at a pair's start, rather than parsing every cookie of the header.
    for (let at = header.indexOf(name); at !== -1; at = header.indexOf(name, at + 1)) {
      const before = at === 0 ? 59 : header.charCodeAt(at - 1) // 59 is ';'
      if ((before !== 59 && before !== 32) || header.charCodeAt(at + name.length) !== 61) continue // 32 ' ', 61 '='
      const start = at + name.length + 1
      const end = start + SESSION_ID_LENGTH
      if (end !== header.length && header.charCodeAt(end) !== 59) continue
      const session = lookup(header.slice(start, end))
      if (session !== undefined) return session
    }
    return undefined
  }

  /**
   * A Referer naming a session's resource on this origin. A browser sends the page's URL as Referer
   * to any site it posts to, so a page of another origin at `/__session/<its id>` would otherwise
   * carry its visitors' requests into a session of the page author's choosing.
   */
  #fromReferer(uri: string, req: Request, lookup = this.#live): ClientSession | undefined {
    const schemeEnd = uri.indexOf('://')
    if (schemeEnd === -1) return undefined
    const pathStart = uri.indexOf('/', schemeEnd + 3)
    if (pathStart === -1) return undefined
    const scheme = uri.slice(0, schemeEnd).toLowerCase()
    if (scheme !== req.protocol) return undefined
    if (withoutDefaultPort(uri.slice(schemeEnd + 3, pathStart), scheme) !== withoutDefaultPort(req.host, scheme))
      return undefined
    return this.#fromPath(uri, pathStart, lookup)
  }

  /** An X-Referer: the resource's path (as script sends it), or an absolute URI judged as a Referer. */
  #fromXReferer(value: string, req: Request, lookup = this.#live): ClientSession | undefined {
    return value.charCodeAt(0) === 47 ? this.#fromPath(value, 0, lookup) : this.#fromReferer(value, req, lookup) // '/'
  }

  /** `<prefix>/<id>` exactly, with at most a query or fragment after it (an X-Referer, a Referer's path). */
  #fromPath(uri: string, pathStart: number, lookup = this.#live): ClientSession | undefined {
    if (uri.charCodeAt(pathStart) !== 47 || !uri.startsWith(this.#resourcePath, pathStart)) return undefined // '/'
    const start = pathStart + this.#resourcePath.length
    const end = start + SESSION_ID_LENGTH
    if (end < uri.length) {
      const next = uri.charCodeAt(end)
      if (next !== 63 && next !== 35) return undefined // '?', '#'
    }
    return lookup(uri.slice(start, end))
  }
}

/** An authority compared as origins are: case-insensitive, the scheme's default port implied. */
function withoutDefaultPort(authority: string, scheme: string): string {
  const lower = authority.toLowerCase()
  const suffix = scheme === 'https' ? ':443' : ':80'
  return lower.endsWith(suffix) ? lower.slice(0, -suffix.length) : lower
}
