import { expect } from 'chai'
import sinon from 'sinon'
import { App, MemoryTransport, WafRequestBlockedError } from '../../../index.js'
import { maskDates } from '../../helpers/mask-dates.js'
import { response, textResponse } from '../../helpers/expected-response.js'

const blocked = (rule: string, ...fields: string[]): string => {
  const body = JSON.stringify({ message: 'Request blocked', rule })
  return response(
    '400 Bad Request',
    ['Content-Type: application/json; charset=utf-8', `Content-Length: ${body.length}`, ...fields],
    body,
  )
}

describe('the one answer to a blocked request', () => {
  afterEach(() => sinon.restore())

  /** The rule of every WafRequestBlockedError an answer was built from, in order. */
  function answeredFrom(): string[] {
    const rules: string[] = []
    const toJSON = WafRequestBlockedError.prototype.toJSON
    sinon.replace(WafRequestBlockedError.prototype, 'toJSON', function (this: WafRequestBlockedError) {
      rules.push(this.ruleId)
      return toJSON.call(this)
    })
    return rules
  }

  function app(): App {
    const app = new App({
      limits: { maxConcurrentRequests: 4 },
      waf: { rules: [{ id: 'no-evil', pattern: /evil/ }] },
    })
    app.onError(() => undefined)
    app.get('/slow', async (_req, res) => {
      await new Promise((resolve) => setImmediate(resolve))
      res.text('slow')
    })
    app.post('/echo', (req, res) => res.text(req.text()))
    app.get('/throws', () => {
      throw new WafRequestBlockedError('handler-rule')
    })
    return app
  }

  it('answers a head, a body, a pipelined head and a thrown block from a WafRequestBlockedError, byte for byte', async () => {
    const rules = answeredFrom()
    const t = new MemoryTransport({
      input: [
        'GET /slow HTTP/1.1\r\nHost: a\r\n\r\n' +
          'GET /slow?q=evil HTTP/1.1\r\nHost: a\r\n\r\n' +
          'POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nevil' +
          'GET /throws HTTP/1.1\r\nHost: a\r\n\r\n' +
          'GET /slow?q=evil HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n',
      ],
    })
    await app().serve(t)
    expect(maskDates(t.outputText('latin1'))).to.equal(
      textResponse('slow') +
        blocked('no-evil') +
        blocked('no-evil') +
        blocked('handler-rule') +
        blocked('no-evil', 'Connection: close'),
    )
    // The second request was started behind the pending first one (pipelined), the last in order.
    expect(rules).to.deep.equal(['no-evil', 'no-evil', 'handler-rule', 'no-evil'])
  })
})
