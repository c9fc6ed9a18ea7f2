import type { Request } from '../request/request.js'
import type { Response } from '../response/response.js'
import type { ResponseHooks } from '../response/response-hooks.js'
import { responseFinish } from './diagnostics.js'

/** What an `onFinish` hook learns about a response that is over. */
export interface FinishedResponse {
  /** The status sent (or about to be, when it was cut short before its head). */
  readonly status: number
  /** Body bytes written to the connection (after any content coding). */
  readonly bytes: number
  /** Milliseconds from the request's dispatch to its response's last byte written (or its cut). */
  readonly durationMs: number
  /**
   * Whether it was cut short: a timeout, the client leaving (before its last byte was written),
   * `res.cancel()`, broken framing.
   */
  readonly aborted: boolean
  /** The error a handler threw, when one did (its response is the error's). */
  readonly error: unknown
}

/** The hooks a ResponseRecord runs, as the App keeps them. @internal */
export interface LifecycleHooks {
  readonly onResponse: readonly ((req: Request, res: Response) => void)[]
  readonly onFinish: readonly ((req: Request, res: Response, info: FinishedResponse) => void)[]
  report(err: unknown): void
}

/**
 * One response's lifecycle when the App has `onResponse` or `onFinish` hooks: it is the hooks
 * object the Response calls, and the record the finish hooks read. One object per request, made
 * only when hooks exist.
 * @internal
 */
export class ResponseRecord implements ResponseHooks<Response>, FinishedResponse {
  readonly #app: LifecycleHooks
  readonly #req: Request
  readonly #startedAt: number
  #endedAt = 0
  #status = 0
  #bytes = 0
  #aborted = false
  /** The error a handler threw, if any. */
  error: unknown = undefined

  /**
   * @param app - the hooks to run
   * @param req - the request answered
   */
  constructor(app: LifecycleHooks, req: Request) {
    this.#app = app
    this.#req = req
    this.#startedAt = performance.now()
  }

  get status(): number {
    return this.#status
  }

  get bytes(): number {
    return this.#bytes
  }

  get durationMs(): number {
    return this.#endedAt - this.#startedAt
  }

  get aborted(): boolean {
    return this.#aborted
  }

  /** @internal */
  beforeHead(res: Response): void {
    for (const hook of this.#app.onResponse) {
      try {
        hook(this.#req, res)
      } catch (err) {
        this.#app.report(err)
      }
    }
  }

  /** @internal */
  finished(res: Response, aborted: boolean): void {
    this.#endedAt = performance.now()
    this.#status = res.statusCode
    this.#bytes = res.bodyBytes
    this.#aborted = aborted
    for (const hook of this.#app.onFinish) {
      try {
        hook(this.#req, res, this)
      } catch (err) {
        this.#app.report(err)
      }
    }
    if (responseFinish.hasSubscribers) responseFinish.publish({ req: this.#req, res, info: this })
  }
}
