import { writeAll } from '../../transports/write-all.js'
import { isHeadRequestLine, timeoutResponse } from '../wire/error-responses.js'
import { Flag, type SessionCore } from './session-core.js'
import { closeConnection } from './session-teardown.js'
import { Expiry, Stage, expiryOf } from './stages.js'

/**
 * What the passing of the armed stage's deadline does to the connection (`stages.ts` decides,
 * this acts): a waiting handler's loop is woken to answer for it; a request partly received with
 * nothing of a response sent gets 408 and the connection closes; anything else closes silently.
 * @param core - the Session whose timer fired
 */
export function expireStage(core: SessionCore): void {
  const stage = core.stage
  core.timedOutStage = stage
  core.endWith('timeout')
  const expiry = expiryOf(stage, core.input.available > 0, core.output.isIdle)
  if (expiry === Expiry.WakeHandler) return core.wakeLoop()
  if (expiry === Expiry.AnswerTimeout) {
    core.stage = Stage.Write
    const close = (): void => closeConnection(core)
    // A HEAD gets the answer's head alone: known from its bytes while its head is incomplete,
    // from its parsed head while its body is awaited.
    const input = core.input
    const isHead =
      stage === Stage.Head ? isHeadRequestLine(input.buf, input.pos, input.end) : core.has(Flag.HeadAwaitingBody)
    void writeAll(core.transport, [core.fixedAnswer(timeoutResponse(core.serverLine), undefined, isHead)]).then(
      close,
      close,
    )
    return
  }
  closeConnection(core)
}
