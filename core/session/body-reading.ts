import type { RouteMatch } from '../../router/route-match.js'
import type { WafVerdict } from '../../waf/verdict.js'
import { readBody } from '../request/body-reader.js'
import { BodyStream } from '../request/body-stream.js'
import type { RouteEntry } from '../route/route-entry.js'
import { CONTINUE_RESPONSE } from '../wire/error-responses.js'
import { ParseResult } from '../wire/parse-result.js'
import type { RequestHead } from '../wire/request-head.js'
import { Flag, type SessionCore } from './session-core.js'
import { Stage } from './stages.js'

/**
 * Serves a request whose body is still on its way, or is streamed to the handler: answers
 * `Expect: 100-continue`, reads the body within its limit and deadline (or hands the handler a
 * {@link BodyStream} and drains what it leaves), lets the WAF check it, and answers.
 *
 * @param core - the Session
 * @param head - the request
 * @param match - its route lookup
 * @param verdict - the WAF's verdict on the head
 * @param bodyLimit - the route's body limit
 * @returns whether the connection stays open
 */
export async function serveWithBody(
  core: SessionCore,
  head: RequestHead,
  match: RouteMatch<RouteEntry>,
  verdict: WafVerdict | null,
  bodyLimit: number,
): Promise<boolean> {
  const config = core.host.config
  const limits = config.limits
  const entry = match.status === 200 ? match.store : undefined
  if (head.method === 'HEAD') core.raise(Flag.HeadAwaitingBody)
  else core.lower(Flag.HeadAwaitingBody)
  if (head.expectContinue && core.input.available === 0) {
    // RFC 9110 §10.1.1: answer a request that will be refused without inviting its body,
    // then close, since the client may or may not send the body anyway.
    if (match.status !== 200 || verdict?.blocked === true) {
      core.raise(Flag.Closing)
      await core.respond(head, match, verdict, undefined)
      return false
    }
    core.output.pushBytes(CONTINUE_RESPONSE)
    if (!(await core.flush())) return false
  }
  const waitForMore = (): Promise<number> => core.fill(Stage.Body)
  const blocked = verdict?.blocked === true
  if (entry?.streamBody === true && !blocked) {
    // The handler reads this body: between its reads, its own timeout applies again.
    const handlerTimeoutMs = entry.handlerTimeoutMs ?? config.timeouts.handlerTimeoutMs
    const waitInHandler = async (): Promise<number> => {
      const moved = await waitForMore()
      if (moved >= 0) core.enterStage(Stage.Handler, handlerTimeoutMs)
      return moved
    }
    const stream = BodyStream.open(core.input, head, bodyLimit, limits.maxHeaderBytes, waitInHandler, () => {
      // Whatever answers a body that broke its framing or limit closes the connection.
      core.raise(Flag.Closing)
      core.endWith('error')
    })
    if (!(await core.respond(head, match, verdict, stream))) return false
    if (!stream.isDone && !(await stream.drain())) {
      core.endWith('error')
      return false
    }
    return true
  }
  const result = await readBody(core.input, head, bodyLimit, limits.maxHeaderBytes, waitForMore)
  if (typeof result === 'number') {
    if (result === ParseResult.Incomplete) core.endWith('client-closed')
    else core.reject(result, head)
    return false
  }
  // In monitor mode a finding in the head does not stop the body from being checked too.
  if (!blocked) verdict = core.host.waf.checkBody(head, result, head.header('content-type'), entry?.wafMode) ?? verdict
  return core.respond(head, match, verdict, result)
}
