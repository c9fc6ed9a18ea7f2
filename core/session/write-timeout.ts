import { isOrdinaryDisconnect } from './ordinary-disconnect.js'
import { Flag, type SessionCore } from './session-core.js'
import { closeConnection } from './session-teardown.js'
import { Stage, readTimeoutMs } from './stages.js'

/**
 * The write timeout around the output's flushes (the Session's `OutputEvents`): armed when a flush
 * has to wait, counted again at each piece accepted, and the interrupted stage's own timeout given
 * back when the flush ends. A flush the transport takes at once arms nothing.
 */

/**
 * A flush is starting: arm the write timeout.
 * @param core - the Session
 * @returns the stage the flush interrupted, handed back to {@link writeEnded}
 */
export function writeStarted(core: SessionCore): number {
  const resumeStage = core.stage
  core.enterStage(Stage.Write, core.host.config.timeouts.writeTimeoutMs)
  return resumeStage
}

/**
 * A flush ended.
 * @param core - the Session
 * @param resumeStage - what {@link writeStarted} returned
 */
export function writeEnded(core: SessionCore, resumeStage: number): void {
  if (core.stage !== Stage.Write) return
  const timeouts = core.host.config.timeouts
  // A streaming handler gets its own timeout back for producing the next piece; the loop's own
  // flushes are followed by a read that arms the idle or head timeout.
  if (resumeStage === Stage.Handler) core.enterStage(Stage.Handler, core.handlerTimeoutMs)
  // A flush put off to the turn's end had to wait while the loop waited for the next request.
  else if (resumeStage === Stage.Idle || resumeStage === Stage.Head) {
    core.enterStage(resumeStage, readTimeoutMs(resumeStage, timeouts))
    // A shutdown asked for meanwhile found the connection writing: it is waiting again now.
    if (core.has(Flag.Closing)) core.shutdown()
  }
}

/**
 * A piece of a flush was accepted: the write timeout counts time without progress.
 * @param core - the Session
 */
export function writeProgressed(core: SessionCore): void {
  if (core.stage === Stage.Write) core.enterStage(Stage.Write, core.host.config.timeouts.writeTimeoutMs)
}

/**
 * A write accepted nothing or failed: the connection is over.
 * @param core - the Session
 * @param err - the failure, if any; an ordinary disconnect is the client's leaving, not an error
 */
export function writeFailed(core: SessionCore, err: unknown): void {
  core.endWith(err === undefined || isOrdinaryDisconnect(err) ? 'client-closed' : 'error')
  if (err !== undefined) core.reportError(err)
  closeConnection(core)
}
