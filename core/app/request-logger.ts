import { randomUUID } from 'node:crypto'
import type { Request } from '../request/request.js'
import type { Response } from '../response/response.js'
import type { FinishedResponse } from './response-record.js'
import { InvalidOptionError } from '../errors.js'

/** What `app.logger()` needs of a logger: pino's `info` and `error` (bunyan and others fit too). */
export interface RequestLogger {
  /** Receives the line of a request answered below 500, whole. */
  info(fields: object, message?: string): void
  /** Receives the line of a request answered 5xx, cut short or failed. */
  error(fields: object, message?: string): void
}

/** Options of `app.logger()`. */
export interface LoggerOptions {
  /**
   * The request id: `X-Request-Id` kept from the request when it is a plain token of up to 128
   * characters, else generated (a UUID), sent back in the response and logged. Default true.
   */
  requestId?: boolean
  /** The field name for the id, in and out. Default `X-Request-Id`. */
  requestIdHeader?: string
}

const ID = /^[A-Za-z0-9._:@+=/-]{1,128}$/
const FRAMING_FIELDS = ['content-type', 'content-length', 'transfer-encoding', 'connection', 'date', 'server']

/**
 * The parts of request logging: one line per request once its response is over (method, path,
 * status, bytes, duration in ms, request id, and the error when there was one), at `error` for a
 * 5xx, an abort or an error, `info` otherwise.
 * @internal
 */
export function requestLogging(
  logger: RequestLogger,
  options: LoggerOptions = {},
): {
  readonly start: ((req: Request, res: Response) => void) | undefined
  readonly finish: (req: Request, res: Response, info: FinishedResponse) => void
} {
  if (
    typeof logger !== 'object' ||
    logger === null ||
    typeof logger.info !== 'function' ||
    typeof logger.error !== 'function'
  ) {
    throw new InvalidOptionError('logger', 'expected a logger with info() and error(), such as pino()')
  }
  const header = options.requestIdHeader ?? 'X-Request-Id'
  if (typeof header !== 'string' || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(header))
    throw new InvalidOptionError('logger.requestIdHeader', 'expected a header name')
  const lower = header.toLowerCase()
  const withId = options.requestId !== false
  // The name is checked above and every id is a plain token, so a response need not check them
  // again, unless the name is one whose value frames the response (checked as any header is).
  const checked = !FRAMING_FIELDS.includes(lower)
  const start = withId
    ? (req: Request, res: Response): void => {
        const given = req.header(lower)
        const id = given !== undefined && ID.test(given) ? given : randomUUID()
        req.state.requestId = id
        if (checked) res.setCheckedHeader(header, lower, id)
        else res.header(header, id)
      }
    : undefined
  const finish = (req: Request, _res: Response, info: FinishedResponse): void => {
    const line: Record<string, unknown> = {
      method: req.method,
      path: req.path,
      status: info.status,
      bytes: info.bytes,
      durationMs: Math.round(info.durationMs * 1000) / 1000,
    }
    if (withId) line.requestId = req.state.requestId
    if (info.aborted) line.aborted = true
    if (info.error !== undefined) line.err = info.error
    if (info.status >= 500 || info.aborted || info.error !== undefined) logger.error(line, 'request failed')
    else logger.info(line, 'request')
  }
  return { start, finish }
}
