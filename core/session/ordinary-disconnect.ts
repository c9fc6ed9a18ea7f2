import { ORDINARY_DISCONNECT_CODES } from '../../transports/disconnect-codes.js'

/**
 * @param err - anything thrown or rejected
 * @returns whether it is an ordinary disconnect (reset, broken pipe, cancellation, a client that
 *   left in the middle of its body): an end of the connection, not an error to report
 *   (docs/architecture.md, "Closing")
 */
export function isOrdinaryDisconnect(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  return (
    typeof code === 'string' &&
    (ORDINARY_DISCONNECT_CODES.has(code) || code === 'ABORT_ERR' || code === 'ERR_REQUEST_ABORTED')
  )
}
