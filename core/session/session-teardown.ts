import type { CloseReason } from '../request/connection.js'
import { Flag, type SessionCore } from './session-core.js'
import { Stage } from './stages.js'

/**
 * Closes the connection: the loop stops at its next step, `req.signal` is aborted, the transport
 * is closed (unless it was handed over by `detach()`, when it is left to its new owner), and the
 * responses still waiting for their last byte are told they were cut short.
 * @param core - the Session
 */
export function closeConnection(core: SessionCore): void {
  core.stage = Stage.Closed
  core.abortRequests()
  core.wakeLoop()
  if (!core.has(Flag.Detached)) {
    core.output.breakOff()
    core.transport.close()
  }
  // Responses whose last byte had not left: their finish hooks learn that it never will.
  core.abandonWrites()
}

/**
 * Closes the connection now, for `reason`. Whole responses answered in this turn wait for its end:
 * they leave before the close. The response in progress cannot be completed any more.
 * @param core - the Session
 * @param reason - why it ends, unless a reason was recorded first
 */
export function destroyConnection(core: SessionCore, reason: CloseReason): void {
  core.endWith(reason)
  core.output.flushDeferred()
  core.output.breakOff()
  core.response?.seize()
  closeConnection(core)
}

/**
 * The loop is over: the timer is cancelled, what is queued is written (unless the connection is
 * already cut), the transport closed, and then the Session told it has ended (`ended()`). A
 * failure of the closing is reported rather than lost.
 * @param core - the Session
 */
export function tearDown(core: SessionCore): void {
  core.timer.disarm()
  const output = core.output
  if (core.has(Flag.Detached)) return core.ended()
  if (output.isBroken || core.stage === Stage.Closed || output.isIdle) return closeAndEnd(core)
  output
    .flush()
    .then(() => closeAndEnd(core))
    .catch((err: unknown) => core.host.reportError(err))
}

function closeAndEnd(core: SessionCore): void {
  core.endWith('completed')
  closeConnection(core)
  core.ended()
}
