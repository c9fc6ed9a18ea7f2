import type { Request } from '../request/request.js'
import type { Response } from '../response/response.js'

/**
 * Calls the next middleware or handler in the chain.
 * @returns a promise that settles when the rest of the chain has run
 */
export type Next = () => Promise<void>

/**
 * A route handler or middleware. It may answer through `res`, return a value to send (a string,
 * a Buffer, or anything JSON), or call `next()` to pass the request on.
 *
 * @typeParam P - the route's params
 * @typeParam D - the validated body (`req.data`), from the route's `schema.body`
 * @typeParam Q - the query (`req.query`), from the route's `schema.query`
 * @example
 * ```ts
 * const handler: Handler<{ id: string }> = (req, res) => res.json({ id: req.params.id })
 * ```
 */
export type Handler<
  P extends object = Record<string, string>,
  D = unknown,
  Q extends object = Record<string, string>,
> = (req: Request<P, D, Q>, res: Response, next: Next) => unknown

/**
 * Called when a handler throws or rejects. It may send a response; if it does not, the default
 * JSON error response is sent (the error's own 4xx/5xx status, else 500). A hook that itself
 * throws or rejects is a fault of the server's: the answer is then 500 whatever the handler's
 * error said, and the hook's error is reported to the hooks again with no request (`req` and
 * `res` undefined), as an error that belongs to no request is.
 * @example
 * ```ts
 * app.onError((err, req) => log.error({ err, path: req?.path }))
 * ```
 */
export type ErrorHook = (err: unknown, req: Request | undefined, res: Response | undefined) => unknown

/**
 * Whether what a handler (or hook) returned is a promise or another thenable, to be awaited, rather
 * than a value to send at once: the synchronous path pays one type check, no promise.
 * @param value - a handler's return value
 */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as PromiseLike<unknown>).then === 'function'
}
