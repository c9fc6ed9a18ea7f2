/**
 * Fails the test during which a promise rejection went unhandled, and the run if one surfaces after
 * the last test. A Session promises that every failure reaches the error hook or ends the
 * connection; a rejection nobody awaits would break that promise silently.
 *
 * `.mocharc.json` loads it with `require`, so its root hooks guard every spec in the run.
 */
import { turnEnded } from './turn-end.js'

const unhandled: unknown[] = []

process.on('unhandledRejection', (reason: unknown) => {
  unhandled.push(reason)
})

async function failOnUnhandledRejections(): Promise<void> {
  // After the turn's end Node has reported the rejections still pending.
  await turnEnded()
  if (unhandled.length === 0) return
  const reasons = unhandled
    .splice(0)
    .map((reason) => (reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)))
  throw new Error(`unhandled promise rejection(s):\n${reasons.join('\n')}`)
}

/** Mocha root hooks: checked after every test and once after the last. */
export const mochaHooks = {
  afterEach: failOnUnhandledRejections,
  afterAll: failOnUnhandledRejections,
}
