import type { RouteMatch } from '../../router/route-match.js'
import type { Request } from '../request/request.js'
import type { Response } from '../response/response.js'
import type { RouteEntry } from '../route/route-entry.js'
import { sendReturnValue } from '../response/return-value.js'
import { handlerTimeoutResponse } from '../wire/error-responses.js'
import { isOrdinaryDisconnect } from './ordinary-disconnect.js'
import { Flag, type SessionCore } from './session-core.js'
import { Stage } from './stages.js'
import { ResponseAlreadySentError } from '../errors.js'
import { isThenable } from '../route/handler.js'

/**
 * Runs a request's handler chain and sends what it returns. Returns nothing when it finished
 * synchronously (the hot path: no promise, no microtask), or a promise when it has to be waited
 * for, within the handler timeout.
 *
 * @param core - the Session
 * @param req - the request
 * @param res - its response
 * @param match - the route lookup
 */
export function runHandler(
  core: SessionCore,
  req: Request,
  res: Response,
  match: RouteMatch<RouteEntry>,
): Promise<void> | undefined {
  try {
    const result = core.host.handle(req, res, match)
    if (isThenable(result)) return awaitHandler(core, result, req, res, match)
    if (core.has(Flag.Detached)) return undefined
    if (!res.headersSent) sendReturnValue(res, result, req.target)
    else if (!res.isEnded) return awaitStream(core, req, res, match)
    return undefined
  } catch (err) {
    return handlerFailed(core, err, req, res, match)
  }
}

/**
 * Enters the handler stage with the route's handler timeout (or the config's). A streamed
 * response has it anew for each piece it writes (`Session.flush`, `write-timeout.ts`).
 */
function enterHandlerStage(core: SessionCore, match: RouteMatch<RouteEntry>): void {
  const own = match.status === 200 ? match.store.handlerTimeoutMs : undefined
  core.handlerTimeoutMs = own ?? core.host.config.timeouts.handlerTimeoutMs
  core.enterStage(Stage.Handler, core.handlerTimeoutMs)
}

async function awaitHandler(
  core: SessionCore,
  pending: PromiseLike<unknown>,
  req: Request,
  res: Response,
  match: RouteMatch<RouteEntry>,
): Promise<void> {
  enterHandlerStage(core, match)
  core.raise(Flag.HandlerPending)
  // A handler that never settles must not keep a connection its client closed.
  core.watchForClose()
  try {
    const result = await core.untilWoken(pending)
    core.unwatch()
    core.lower(Flag.HandlerPending)
    if (core.has(Flag.Woken)) return interrupted(core, res, pending)
    if (core.has(Flag.Detached)) return
    if (!res.headersSent) sendReturnValue(res, result, req.target)
    else if (!res.isEnded) await awaitStream(core, req, res, match)
  } catch (err) {
    core.unwatch()
    core.lower(Flag.HandlerPending)
    await handlerFailed(core, err, req, res, match)
  }
}

/**
 * The head is started and the handler returned: wait for the streamed body to end. A `stream()`
 * source that failed is the handler's error.
 */
async function awaitStream(
  core: SessionCore,
  req: Request,
  res: Response,
  match: RouteMatch<RouteEntry>,
): Promise<void> {
  enterHandlerStage(core, match)
  await core.untilWoken(res.finished())
  if (core.has(Flag.Woken)) return interrupted(core, res, undefined)
  const failure = res.streamFailure
  if (failure !== undefined) await handlerFailed(core, failure.err, req, res, match)
}

/** The wait for a handler was cut short by a timeout, an abort, a shutdown or a detach. */
function interrupted(core: SessionCore, res: Response, pending: PromiseLike<unknown> | undefined): void {
  // The handler runs on; a failure it meets later still deserves a report, except its answer
  // refused because the connection it was for is gone (its signal told it so).
  pending?.then(undefined, (err: unknown) => {
    if (!isOrdinaryDisconnect(err) && !(err instanceof ResponseAlreadySentError)) core.host.reportError(err)
  })
  if (core.has(Flag.Detached)) return
  if (core.timedOutStage === Stage.Handler && (!res.headersSent || takeBackHead(core, res))) {
    // The 503 is this request's answer: the hooks of the response it replaces report it, once.
    const hooks = res.seize(true)
    const head = res.requestHead
    core.output.pushBytes(
      core.fixedAnswer(handlerTimeoutResponse(core.serverLine), head, head.method === 'HEAD', hooks),
    )
    core.raise(Flag.Closing)
    // The handler runs on: its signal tells it that its answer is no longer awaited.
    core.abortRequests()
    return
  }
  res.seize()
  if (core.stage !== Stage.Closed) core.abort()
}

/**
 * A streamed head still only queued (nothing flushed it or followed it) has reached no one: it is
 * dropped so that the handler timeout's 503 answers instead. @returns whether it was
 */
function takeBackHead(core: SessionCore, res: Response): boolean {
  // The count is of the loop's own response: a pipelined one's head is held in its slot.
  if (core.response !== res) return false
  const headBytes = core.streamHeadBytes
  const output = core.output
  core.streamHeadBytes = 0
  // Every write of the body flushes (resetting the count): the queue holding exactly the head's
  // bytes, with no flush under way, holds the head alone.
  if (headBytes === 0 || res.isEnded || output.isFlushing || output.bytes !== headBytes) return false
  output.clear()
  return true
}

async function handlerFailed(
  core: SessionCore,
  err: unknown,
  req: Request,
  res: Response,
  match: RouteMatch<RouteEntry>,
): Promise<void> {
  const host = core.host
  if (core.has(Flag.Detached) || core.stage === Stage.Closed) {
    if (!isOrdinaryDisconnect(err)) host.reportError(err, req, res)
    return
  }
  if (res.headersSent) {
    // A failed stream whose head is still only queued has sent nothing: the error is answered as
    // if the head had never been started.
    if (res.streamFailure !== undefined && takeBackHead(core, res)) res.retract()
    else {
      // Part of the response is out; the client could not tell where it ends. The error hooks hear
      // of it with the request, then the close ends the response (and runs its finish hooks).
      if (!isOrdinaryDisconnect(err)) host.reportError(err, req, res)
      if (!res.isEnded) {
        res.seize()
        core.abort()
      }
      return
    }
  }
  try {
    const handled = host.handleError(err, req, res)
    if (isThenable(handled)) {
      // The error hook answers for the handler, within the handler's time.
      if (core.stage !== Stage.Handler) enterHandlerStage(core, match)
      await core.untilWoken(handled)
      if (core.has(Flag.Woken)) return interrupted(core, res, handled)
    }
  } catch (hookError) {
    host.reportError(hookError)
  }
  // A 500 whatever the handler's error said: reaching here, the App's answer to that error itself
  // failed (an onError hook threw, or a custom host left it unanswered), so the failure now is the
  // server's, not the request's, and the status the hook was to answer no longer describes it.
  if (!res.headersSent) res.sendError(500, 'Internal Server Error')
  else if (!res.isEnded) core.abort()
}
