import { channel } from 'node:diagnostics_channel'

/**
 * `diagnostics_channel` events, for tracers and APMs (OpenTelemetry and the like) to attach to
 * without a hook of the App's. Publishing costs one `hasSubscribers` check when nobody listens.
 *
 * - `gatehouse:request:start` — `{ req, res }`, as the App starts answering a request.
 * - `gatehouse:response:finish` — `{ req, res, info }` once the response is over (`info` as
 *   `onFinish` hooks get it: status, bytes, durationMs, aborted, error).
 */
export const REQUEST_START_CHANNEL = 'gatehouse:request:start'
/** See {@link REQUEST_START_CHANNEL}. */
export const RESPONSE_FINISH_CHANNEL = 'gatehouse:response:finish'

/** @internal */
export const requestStart = channel(REQUEST_START_CHANNEL)
/** @internal */
export const responseFinish = channel(RESPONSE_FINISH_CHANNEL)
