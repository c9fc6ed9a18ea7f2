import type { Timeouts } from '../config/config.js'

/**
 * What the connection is waiting for; decides which timeout is armed and what expiry does.
 * `Serving` marks a request being answered without waiting: no timer of its own, but the wait
 * that follows arms its own again (the idle timeout counts from the last response).
 */
export const Stage = { Head: 0, Idle: 1, Body: 2, Handler: 3, Write: 4, Closed: 5, Serving: 6 } as const

/** What the expiry of a stage's deadline does. */
export const Expiry = {
  /** The loop waits for a handler: wake it, and it answers for the handler. */
  WakeHandler: 0,
  /** Part of a request came and nothing of a response left: answer 408, then close. */
  AnswerTimeout: 1,
  /** Close without a word: nothing was asked, or a response is already under way. */
  Close: 2,
} as const

/**
 * @param stage - a wait for bytes: `Idle`, `Head` or `Body`
 * @param timeouts - the configured timeouts
 * @returns the timeout of that wait: for the next request, the rest of a head, or a body
 */
export function readTimeoutMs(stage: number, timeouts: Timeouts): number {
  return stage === Stage.Idle
    ? timeouts.idleTimeoutMs
    : stage === Stage.Head
      ? timeouts.headerTimeoutMs
      : timeouts.bodyTimeoutMs
}

/**
 * Decides what the expiry of `stage`'s deadline does.
 * @param stage - the stage whose deadline passed
 * @param bytesBuffered - whether bytes of a next request are in the buffer
 * @param outputIdle - whether nothing is queued or being written
 * @returns one of {@link Expiry}
 */
export function expiryOf(stage: number, bytesBuffered: boolean, outputIdle: boolean): number {
  if (stage === Stage.Handler) return Expiry.WakeHandler
  const started = bytesBuffered || stage === Stage.Body
  return (stage === Stage.Head || stage === Stage.Body) && started && outputIdle ? Expiry.AnswerTimeout : Expiry.Close
}
