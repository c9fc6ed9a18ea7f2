import type { Handler, Next } from '../route/handler.js'
import type { Request } from '../request/request.js'
import type { Response } from '../response/response.js'
import { sendReturnValue } from '../response/return-value.js'

const NEXT_DONE: Next = () => Promise.resolve()

/**
 * Answers an error thrown below a `next()`, the way the App answers a handler's error.
 * @returns nothing, or a promise settling once the error's response is decided
 */
export type ChainErrorAnswer = (err: unknown, req: Request, res: Response) => unknown

/**
 * Runs a chain of middleware and handlers, Express-style: each gets `next()` to run the rest.
 * A value returned by a handler that did not answer through `res` is sent for it.
 *
 * `await next()` resolves once the rest of the chain has decided the response: an error thrown
 * below it becomes its response inside `next()` (through `answerError`), so a middleware after
 * it sees the final status. Only an error after the head has left still propagates: the
 * connection must then close, which the Session does.
 *
 * This is the hot path: a single handler is called directly, with no closure and no promise.
 *
 * @param chain - middleware then route handlers
 * @param req - the request
 * @param res - its response
 * @param fallback - runs when the last handler calls `next()` (the 404 answer)
 * @param answerError - turns an error below a `next()` into its response
 * @returns the single handler's return value, or a promise settling when the chain has run
 */
export function runChain(
  chain: readonly Handler[],
  req: Request,
  res: Response,
  fallback: Handler,
  answerError: ChainErrorAnswer,
): unknown {
  if (chain.length === 1) return chain[0]!(req, res, NEXT_DONE)
  return runFrom(chain, 0, req, res, fallback, answerError)
}

async function runFrom(
  chain: readonly Handler[],
  index: number,
  req: Request,
  res: Response,
  fallback: Handler,
  answerError: ChainErrorAnswer,
): Promise<void> {
  const handler = index < chain.length ? chain[index]! : fallback
  const next: Next = index < chain.length ? () => runNext(chain, index + 1, req, res, fallback, answerError) : NEXT_DONE
  const value = await handler(req, res, next)
  if (value !== undefined && value !== res && !res.headersSent) sendReturnValue(res, value, req.target)
}

async function runNext(
  chain: readonly Handler[],
  index: number,
  req: Request,
  res: Response,
  fallback: Handler,
  answerError: ChainErrorAnswer,
): Promise<void> {
  try {
    await runFrom(chain, index, req, res, fallback, answerError)
  } catch (err) {
    // Part of the response is out: only closing the connection is left, which the Session does.
    if (res.headersSent) throw err
    await answerError(err, req, res)
  }
}
