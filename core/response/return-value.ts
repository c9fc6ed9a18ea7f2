import type { Response } from './response.js'
import { NoResponseError } from '../errors.js'

/**
 * Sends what a handler returned when it did not answer through `res`: a string as text, bytes as
 * they are, anything else as JSON.
 *
 * @param res - the unanswered response
 * @param value - the handler's (resolved) return value
 * @param target - the request-target, for the error message
 * @throws NoResponseError when the handler returned nothing
 */
export function sendReturnValue(res: Response, value: unknown, target: string): void {
  if (value === undefined || value === res) throw new NoResponseError(target)
  if (typeof value === 'string') res.text(value)
  else if (Buffer.isBuffer(value) || value instanceof Uint8Array) res.send(value)
  else res.json(value)
}
