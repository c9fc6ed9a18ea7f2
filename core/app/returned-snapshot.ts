import type { Response } from '../response/response.js'

/** A handler's return value, serialised as JSON while its session's run still held the data. */
class ReturnedJson {
  constructor(readonly text: string) {}
}

/**
 * Serialises, inside a session's run, a value its handler returned to be sent as JSON: it may be
 * the session's live data, which the session's next run changes before this response is sent
 * (after the run, so that a failed commit can still answer instead).
 *
 * @param value - the handler's (resolved) return value
 * @param res - its response
 * @returns the snapshot, or the value itself when it is not sent as JSON or cannot be serialised
 *   (`res.json` then meets the same error when it is sent, as it did without a session)
 */
export function snapshotReturned(value: unknown, res: Response): unknown {
  if (typeof value !== 'object' || value === null || value === res || res.headersSent) return value
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return value
  try {
    return new ReturnedJson(JSON.stringify(value) ?? 'null')
  } catch {
    return value
  }
}

/**
 * Sends a snapshot taken by `snapshotReturned` once the session's run has ended.
 * @returns nothing once sent (or when the response was cut meanwhile), else the value as it came
 */
export function sendSnapshot(value: unknown, res: Response): unknown {
  if (!(value instanceof ReturnedJson)) return value
  if (!res.headersSent) res.jsonText(value.text)
  return undefined
}
