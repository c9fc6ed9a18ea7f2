import type { WafRequestBlockedError } from '../../waf/errors.js'
import type { Response } from './response.js'

/**
 * The one answer to a request the WAF blocked, whoever found it: the Session from a verdict (head
 * or body, in order or pipelined), or the App for a handler that threw the error. The error says
 * what the client is told (`toJSON()`: the message and the rule, never the matched value) and with
 * which status; `res.sendError()` turns that into the one `{"message": …}` body.
 * @param res - the response of the blocked request
 * @param blocked - the block, built from the verdict or thrown
 */
export function sendBlocked(res: Response, blocked: WafRequestBlockedError): void {
  const { message, ...details } = blocked.toJSON()
  res.sendError(blocked.status, message, details)
}
