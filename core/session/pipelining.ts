import { EMPTY_PARAMS } from '../../router/params-object.js'
import { WafRequestBlockedError } from '../../waf/errors.js'
import { Request } from '../request/request.js'
import { Response } from '../response/response.js'
import { sendConstant } from '../response/constant-response.js'
import { sendBlocked } from '../response/blocked-answer.js'
import { takeBufferedSafeHead } from './buffered-head.js'
import { ResponseSlot } from './response-slot.js'
import { runHandler } from './handler-run.js'
import { Flag, type SessionCore } from './session-core.js'
import { Stage } from './stages.js'

/** A pipelined request started while an earlier one is in flight. */
interface Started {
  readonly slot: ResponseSlot
  readonly res: Response
  readonly done: Promise<void> | undefined
  readonly keepAlive: boolean
}

/**
 * While the handler of `first` is pending, starts the pipelined GET/HEAD requests already
 * buffered behind it (up to `maxConcurrentRequests` in flight), each answering into a slot that
 * holds its response until every earlier one has left.
 *
 * @param core - the Session
 * @param first - the pending handler of the request being answered
 * @param firstResponse - its response
 * @returns whether the connection stays open after the last of them
 */
export async function overlap(core: SessionCore, first: Promise<void>, firstResponse: Response): Promise<boolean> {
  const host = core.host
  const limits = host.config.limits
  const started: Started[] = []
  let held = 0
  // Nothing is started behind a request after which the connection closes (RFC 9112 §9.6).
  let last = core.has(Flag.LastRequest)
  while (
    !last &&
    started.length + 1 < limits.maxConcurrentRequests &&
    held <= limits.maxBufferedResponseBytes &&
    !core.has(Flag.Closing)
  ) {
    const head = takeBufferedSafeHead(core.input, limits)
    if (head === null) break
    const number = core.countRequest()
    last = core.mustCloseFor(head, number)
    const slot = new ResponseSlot(core, head, number)
    const res = Response.open(slot, head)
    const match = host.route(head.method, head.path)
    const entry = match.status === 200 ? match.store : undefined
    const verdict = host.waf.checkHead(head, entry?.wafMode)
    let done: Promise<void> | undefined
    let keepAlive = true
    if (verdict !== null && verdict.blocked) {
      host.ownAnswer?.(res, head, core)
      sendBlocked(res, new WafRequestBlockedError(verdict.ruleId))
    } else if (entry?.constant !== undefined) keepAlive = sendConstant(slot, entry.constant, head)
    else
      done = runHandler(
        core,
        Request.open(head, undefined, match.status === 200 ? match.params : EMPTY_PARAMS, core),
        res,
        match,
      )
    started.push({ slot, res, done, keepAlive })
    held = 0
    for (const s of started) held += s.slot.heldBytes
  }
  await first
  let open = firstResponse.keepAlive
  for (const next of started) {
    // Closing is raised while they ran when the Session itself answered with `Connection: close`
    // (a handler timeout's 503) or a shutdown came: the response that said so is the last.
    if (!open || core.has(Flag.Closing) || core.stage === Stage.Closed || core.has(Flag.Detached)) {
      // An earlier response closed the connection: later ones must not follow it.
      next.res.seize()
      next.slot.drop()
      continue
    }
    next.slot.activate()
    if (next.done !== undefined) await next.done
    open = next.keepAlive && next.res.keepAlive
  }
  return open
}
