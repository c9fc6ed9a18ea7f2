// The peer went away: an end of the connection, not an error worth reporting (DESIGN.md).
const ORDINARY_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'EPIPE',
  'ECONNABORTED',
  'ERR_STREAM_DESTROYED',
  'ERR_STREAM_PREMATURE_CLOSE',
  'ERR_STREAM_WRITE_AFTER_END',
  'ABORT_ERR',
  'ERR_REQUEST_ABORTED',
])

/**
 * @param err - anything thrown or rejected
 * @returns whether it is an ordinary disconnect (reset, broken pipe, cancellation)
 */
export function isOrdinaryDisconnect(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' && ORDINARY_CODES.has(code)
}
