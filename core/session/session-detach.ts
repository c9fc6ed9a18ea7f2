import { AlreadyDetachedError, DetachWhileReadingError } from '../errors.js'
import type { DetachedConnection } from '../request/connection.js'
import { Flag, type SessionCore } from './session-core.js'

/**
 * Ends the Session and hands its transport over, open, with the bytes received but not used
 * (`detach()`, `res.upgrade()`, `app.upgrade()`): what earlier responses queued is written first.
 * @param core - the Session
 * @returns the transport and its unread bytes, once the queued responses are out
 */
export function detachSession(core: SessionCore): Promise<DetachedConnection> {
  if (core.has(Flag.Detached)) return Promise.reject(new AlreadyDetachedError())
  // A pending read() cannot be taken back: the next chunk would go to this Session, not the new owner.
  if (core.has(Flag.Reading)) return Promise.reject(new DetachWhileReadingError())
  core.unwatch()
  core.raise(Flag.Detached)
  core.endWith('detached')
  core.response?.seize()
  core.wakeLoop()
  if (core.has(Flag.Parked)) {
    // Idle: take the listener back from the transport and wake the loop, which ends the Session.
    core.transport.notifyReadable!(null)
    core.readable()
  }
  return core.flush().then(() => {
    core.timer.disarm()
    return { transport: core.transport, buffered: core.input.drain() }
  })
}
