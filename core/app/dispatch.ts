import type { Handler, Next } from '../route/handler.js'
import type { Request } from '../request/request.js'
import type { Response } from '../response/response.js'
import { sendReturnValue } from '../response/return-value.js'

const NEXT_DONE: Next = () => Promise.resolve()

/**
 * Runs a chain of middleware and handlers, Express-style: each gets `next()` to run the rest.
 * A value returned by a handler that did not answer through `res` is sent for it.
 *
 * This is the hot path: a single handler is called directly, with no closure and no promise.
 *
 * @param chain - middleware then route handlers
 * @param req - the request
 * @param res - its response
 * @param fallback - runs when the last handler calls `next()` (the 404 answer)
 * @returns the single handler's return value, or a promise settling when the chain has run
 */
export function runChain(chain: readonly Handler[], req: Request, res: Response, fallback: Handler): unknown {
  if (chain.length === 1) return chain[0]!(req, res, NEXT_DONE)
  return runFrom(chain, 0, req, res, fallback)
}

async function runFrom(chain: readonly Handler[], index: number, req: Request, res: Response, fallback: Handler): Promise<void> {
  const handler = index < chain.length ? chain[index]! : fallback
  const next: Next = index < chain.length ? () => runFrom(chain, index + 1, req, res, fallback) : NEXT_DONE
  const value = await handler(req, res, next)
  if (value !== undefined && value !== res && !res.headersSent) sendReturnValue(res, value, req.target)
}
