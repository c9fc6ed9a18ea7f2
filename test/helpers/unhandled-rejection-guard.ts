/**
 * Fails the test during which a promise rejection went unhandled, and the run if one surfaces after
 * the last test. A Session promises that every failure reaches the error hook or ends the
 * connection; a rejection nobody awaits would break that promise silently.
 *
 * Importing this module for its side effect registers the listener and two root hooks, once per
 * process (modules are evaluated once): `import '../helpers/unhandled-rejection-guard.js'`.
 */
const unhandled: unknown[] = []

process.on('unhandledRejection', (reason: unknown) => {
  unhandled.push(reason)
})

/** Resolves after the current turn of the event loop, when Node has reported pending rejections. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

async function failOnUnhandledRejections(): Promise<void> {
  await nextTurn()
  if (unhandled.length === 0) return
  const reasons = unhandled.splice(0).map((reason) => (reason instanceof Error ? reason.stack ?? reason.message : String(reason)))
  throw new Error(`unhandled promise rejection(s):\n${reasons.join('\n')}`)
}

afterEach('fails the test on an unhandled rejection', failOnUnhandledRejections)
after('fails the run on an unhandled rejection after the last test', failOnUnhandledRejections)
