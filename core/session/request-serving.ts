import type { WafVerdict } from '../../waf/verdict.js'
import { WafRequestBlockedError } from '../../waf/errors.js'
import type { RouteMatch } from '../../router/route-match.js'
import { EMPTY_PARAMS } from '../../router/params-object.js'
import type { RouteEntry } from '../route/route-entry.js'
import { Request } from '../request/request.js'
import type { BodyStream } from '../request/body-stream.js'
import { Response } from '../response/response.js'
import { sendConstant } from '../response/constant-response.js'
import { sendBlocked } from '../response/blocked-answer.js'
import type { RequestHead } from '../wire/request-head.js'
import { loopNow } from './loop-clock.js'
import { Flag, type SessionCore } from './session-core.js'
import { Stage } from './stages.js'
import { admit, bodyLimitFor } from './admission.js'
import { closesAfter } from './connection-fate.js'
import { runHandler } from './handler-run.js'
import { serveWithBody } from './body-reading.js'
import { overlap } from './pipelining.js'

/**
 * Routes, admits and answers one parsed request. Synchronous when everything it needs is
 * buffered and its handler is synchronous: the common case costs no promise and no microtask.
 * @returns whether the connection stays open, or a promise of it
 */
export function serveRequest(session: SessionCore, head: RequestHead): boolean | Promise<boolean> {
  const host = session.host
  // The connection's fate is decided here, once, before anything of the request is read or run.
  const limits = host.config.limits
  if (closesAfter(head, session.countRequest(), limits.maxRequestsPerConnection, session.has(Flag.Closing)))
    session.raise(Flag.LastRequest)
  session.stage = Stage.Serving
  session.bodyFrom = 0
  session.activeAt = loopNow()
  const match = host.route(head.method, head.path)
  const entry = match.status === 200 ? match.store : undefined
  const verdict = admit(head, entry, limits, host.waf)
  if (typeof verdict === 'number') {
    session.reject(verdict, head)
    return false
  }
  if (!head.hasBody) return answerRequest(session, head, match, verdict, undefined)
  const input = session.input
  if (
    !head.chunked &&
    input.available >= head.contentLength &&
    entry?.streamBody !== true &&
    verdict?.blocked !== true
  ) {
    const body = input.take(head.contentLength)
    const bodyVerdict = host.waf.checkBody(head, body, head.header('content-type'), entry?.wafMode)
    return answerRequest(session, head, match, bodyVerdict ?? verdict, body)
  }
  return serveWithBody(session, head, match, verdict, bodyLimitFor(entry, limits))
}

/**
 * Answers one request whose body is read (or streamed to its handler): a constant route's
 * prebuilt bytes, the WAF's 400, or the handler's response.
 * @returns whether the connection stays open, or a promise of it
 */
export function answerRequest(
  session: SessionCore,
  head: RequestHead,
  match: RouteMatch<RouteEntry>,
  verdict: WafVerdict | null,
  body: Buffer | BodyStream | undefined,
): boolean | Promise<boolean> {
  const constant = match.status === 200 ? match.store.constant : undefined
  if (constant !== undefined && verdict?.blocked !== true) {
    return sendConstant(session, constant, head) && !session.output.isBroken && !session.has(Flag.LastRequest)
  }
  const res = Response.open(session, head)
  session.response = res
  if (verdict !== null && verdict.blocked) {
    session.host.ownAnswer?.(res, head, session)
    sendBlocked(res, new WafRequestBlockedError(verdict.ruleId))
  } else {
    const req = Request.open(head, body, match.status === 200 ? match.params : EMPTY_PARAMS, session)
    const done = runHandler(session, req, res, match)
    // Pipelined requests start behind this one only once its body is wholly read: bytes of a
    // body the handler has yet to read must never be taken for the next request's head.
    if (done !== undefined) return answerLater(session, done, res, body === undefined || Buffer.isBuffer(body))
  }
  return answered(session, res, true)
}

async function answerLater(
  session: SessionCore,
  done: Promise<void>,
  res: Response,
  bodyRead: boolean,
): Promise<boolean> {
  const concurrent =
    bodyRead && session.has(Flag.HandlerPending) && session.host.config.limits.maxConcurrentRequests > 1
  const keepAlive = concurrent ? await overlap(session, done, res) : (await done, true)
  return answered(session, res, keepAlive)
}

/** @returns whether the connection stays open after `res` */
function answered(session: SessionCore, res: Response, keepAlive: boolean): boolean {
  session.response = undefined
  // Closing is raised after the fate was decided (a handler timeout's 503, a shutdown): it ends
  // the connection after this response just as the request's own fate does.
  const open = keepAlive && res.keepAlive && !session.mustClose()
  if (!open && session.stage !== Stage.Closed) session.endWith('completed')
  return open && !session.output.isBroken && session.stage !== Stage.Closed && !session.has(Flag.Detached)
}
