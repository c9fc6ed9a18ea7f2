import type { RequestHead } from '../wire/request-head.js'
import type { ResponseHooks } from '../response/response-hooks.js'
import type { Response } from '../response/response.js'
import { headOnly, isHeadRequestLine, parseErrorResponse } from '../wire/error-responses.js'
import { Flag, type SessionCore } from './session-core.js'

/**
 * Queues the fixed answer to a protocol error (400, 413, 414, 431, 505…); the loop then ends,
 * writing it before closing.
 * @param core - the Session
 * @param result - the `ParseResult` error
 * @param head - the request, when its head could be parsed
 * @returns `null`, what the loop's head reading returns for refused bytes
 */
export function rejectRequest(core: SessionCore, result: number, head: RequestHead | undefined): null {
  core.endWith('error')
  core.raise(Flag.Closing)
  // A HEAD request gets the answer's head alone, whether or not its own head could be parsed.
  const input = core.input
  const isHead = head !== undefined ? head.method === 'HEAD' : isHeadRequestLine(input.buf, input.pos, input.end)
  core.output.pushBytes(hookedAnswer(core, parseErrorResponse(result, core.serverLine), head, isHead))
  return null
}

/**
 * A fixed answer of the Session's own, as the App's response hooks leave it.
 * @param core - the Session
 * @param bytes - the prebuilt answer
 * @param head - the request, when its head could be parsed
 * @param isHead - whether only the answer's head goes out
 * @param hooks - those of the response the answer replaces, to report it instead of new ones
 * @returns the bytes to send
 */
export function hookedAnswer(
  core: SessionCore,
  bytes: Buffer,
  head: RequestHead | undefined,
  isHead: boolean,
  hooks?: ResponseHooks<Response>,
): Buffer {
  const rebuild = core.host.fixedAnswer
  let answer = bytes
  if (rebuild !== undefined) {
    // The App's response hooks run here, user code: should the rebuilt answer fail, the fixed
    // one still goes out, so the request is never left unanswered.
    try {
      answer = rebuild(bytes, head, core, hooks)
    } catch (err) {
      core.reportError(err)
    }
  }
  return isHead ? headOnly(answer) : answer
}
