import sinon from 'sinon'
import type { App } from '../../core/app/app.js'
import { MemoryTransport } from '../../transports/memory-transport.js'
import { maskDates } from './mask-dates.js'

/**
 * Sends `request` twice on one keep-alive connection, one faked second apart, and returns the Date
 * field of each response: what a test of the once-a-second Date refresh compares.
 *
 * @param app - the App to serve
 * @param request - the raw request
 * @param response - the whole expected response, with its Date masked (see `maskDates`)
 * @returns the two `Date: …` field lines, in order
 * @example
 * ```ts
 * expect(await datesASecondApart(app, GET('/plaintext'), PLAINTEXT)).to.deep.equal([
 *   'Date: Tue, 24 Nov 2026 12:00:00 GMT', 'Date: Tue, 24 Nov 2026 12:00:01 GMT'])
 * ```
 */
export async function datesASecondApart(app: App, request: string, response: string): Promise<string[] | null> {
  const clock = sinon.useFakeTimers({
    now: Date.UTC(2026, 10, 24, 12, 0, 0),
    toFake: ['Date', 'setInterval', 'clearInterval'],
  })
  try {
    const t = new MemoryTransport({ endAfterInput: false })
    const served = app.serve(t)
    t.push(request)
    await t.waitForOutput((out) => maskDates(out.toString('latin1')) === response)
    clock.tick(1000)
    t.push(request)
    await t.waitForOutput((out) => maskDates(out.toString('latin1')) === response.repeat(2))
    t.end()
    await served
    return t.outputText('latin1').match(/Date: [^\r]*/g)
  } finally {
    clock.restore()
  }
}
