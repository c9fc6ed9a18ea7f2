import { expect } from 'chai'
import type { UserConfig } from '../../../core/config/config.js'
import { App } from '../../../core/app/app.js'
import type { Response } from '../../../core/response/response.js'
import { serveInput } from '../../helpers/serve-input.js'

/** Why the connection must close after the first request. */
const FATES = ['Connection: close', 'HTTP/1.0', 'maxRequestsPerConnection', 'res.close()'] as const
/** How the first request's body arrives. */
const ARRIVALS = ['in the head read', 'in a later read', 'chunked', 'streamBody'] as const
/** How the handler answers. */
const HANDLERS = ['sync', 'async', 'streamed'] as const

type Fate = (typeof FATES)[number]
type Arrival = (typeof ARRIVALS)[number]

const AFTER = 'GET /after HTTP/1.1\r\nHost: a\r\n\r\n'

/** An App whose `/x/:handler` routes answer in each way, counting requests to `/after`. */
function fateApp(config: UserConfig): { app: App; after: () => number } {
  const app = new App(config)
  let after = 0
  app.get('/after', (_req, res) => {
    after++
    res.text('after')
  })
  const answer = async (kind: string, closes: boolean, res: Response, body: string): Promise<void> => {
    if (closes) res.close()
    if (kind === 'sync') return res.text(`got ${body}`)
    if (kind === 'async') {
      await Promise.resolve()
      return res.text(`got ${body}`)
    }
    await res.write('got ')
    await res.end(body)
  }
  for (const kind of HANDLERS) {
    app.post(`/x/${kind}`, (req, res) => {
      const closes = req.query.close === '1'
      if (kind === 'sync') return void answer(kind, closes, res, req.text())
      return answer(kind, closes, res, req.text())
    })
    app.post(`/s/${kind}`, { streamBody: true }, async (req, res) => {
      let body = ''
      if (kind !== 'sync') for await (const piece of req.stream()) body += piece.toString('latin1')
      return answer(kind, req.query.close === '1', res, body)
    })
  }
  return { app, after: () => after }
}

/** The first request's reads, with a pipelined GET /after behind it in the last one. */
function reads(fate: Fate, arrival: Arrival, kind: string): string[] {
  const version = fate === 'HTTP/1.0' ? '1.0' : '1.1'
  const query = fate === 'res.close()' ? '?close=1' : ''
  const path = `/${arrival === 'streamBody' ? 's' : 'x'}/${kind}${query}`
  const fields = `Host: a\r\n${fate === 'Connection: close' ? 'Connection: close\r\n' : ''}`
  if (arrival === 'chunked')
    return [
      `POST ${path} HTTP/${version}\r\n${fields}Transfer-Encoding: chunked\r\n\r\n`,
      `2\r\nok\r\n0\r\n\r\n${AFTER}`,
    ]
  const head = `POST ${path} HTTP/${version}\r\n${fields}Content-Length: 2\r\n\r\n`
  return arrival === 'in the head read' ? [`${head}ok${AFTER}`] : [head, `ok${AFTER}`]
}

describe("Session: the connection's fate", () => {
  for (const fate of FATES) {
    for (const arrival of ARRIVALS) {
      // HTTP/1.0 has no chunked coding (RFC 9112 §6.1).
      if (fate === 'HTTP/1.0' && arrival === 'chunked') continue
      for (const kind of HANDLERS) {
        it(`closes after ${fate}, the body ${arrival}, a ${kind} handler, and serves nothing after it`, async () => {
          const { app, after } = fateApp(
            fate === 'maxRequestsPerConnection' ? { limits: { maxRequestsPerConnection: 1 } } : {},
          )
          const t = await serveInput(app, { input: reads(fate, arrival, kind), endAfterInput: false })
          const out = t.outputText('latin1')
          const head = out.slice(0, out.indexOf('\r\n\r\n') + 2)
          expect(head).to.match(/^HTTP\/1\.1 200 OK\r\n/)
          expect(head).to.include('\r\nConnection: close\r\n')
          expect(head).not.to.include('keep-alive')
          // A synchronous handler of a streamed body answers before reading it.
          const body = arrival === 'streamBody' && kind === 'sync' ? '' : 'ok'
          const chunked = kind === 'streamed' && fate !== 'HTTP/1.0'
          expect(
            out.endsWith(chunked ? `4\r\ngot \r\n${body.length}\r\n${body}\r\n0\r\n\r\n` : `got ${body}`),
          ).to.equal(true, out)
          expect(out.match(/HTTP\/1\.1 /g)).to.have.length(1)
          expect(after()).to.equal(0)
          expect(t.isOpen).to.equal(false)
        })
      }
    }
  }

  describe('with maxConcurrentRequests > 1', () => {
    function concurrentApp(): { app: App; ran: string[] } {
      const app = new App({ limits: { maxConcurrentRequests: 4 } })
      const ran: string[] = []
      app.get('/slow', async (req, res) => {
        ran.push(req.path)
        await new Promise((resolve) => setImmediate(resolve))
        res.text('slow')
      })
      app.get('/fast/:n', (req, res) => {
        ran.push(req.path)
        res.text(req.params.n)
      })
      return { app, ran }
    }

    it('runs no handler of a request pipelined behind one that closes', async () => {
      const { app, ran } = concurrentApp()
      const input = 'GET /slow HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\nGET /fast/1 HTTP/1.1\r\nHost: a\r\n\r\n'
      const t = await serveInput(app, { input: [input], endAfterInput: false })
      expect(ran).to.deep.equal(['/slow'])
      expect(t.outputText('latin1').match(/HTTP\/1\.1 /g)).to.have.length(1)
      expect(t.isOpen).to.equal(false)
    })

    it('starts nothing behind a pipelined request that closes, and closes after its response', async () => {
      const { app, ran } = concurrentApp()
      const input =
        'GET /slow HTTP/1.1\r\nHost: a\r\n\r\nGET /fast/1 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\nGET /fast/2 HTTP/1.1\r\nHost: a\r\n\r\n'
      const t = await serveInput(app, { input: [input], endAfterInput: false })
      expect(ran).to.deep.equal(['/slow', '/fast/1'])
      const out = t.outputText('latin1')
      expect(out.match(/HTTP\/1\.1 /g)).to.have.length(2)
      expect(out.slice(out.lastIndexOf('HTTP/1.1 '))).to.include('\r\nConnection: close\r\n')
      expect(t.isOpen).to.equal(false)
    })

    it('starts no more requests than maxRequestsPerConnection allows', async () => {
      const app = new App({ limits: { maxConcurrentRequests: 4, maxRequestsPerConnection: 2 } })
      const ran: string[] = []
      app.get('/slow', async (req, res) => {
        ran.push(req.path)
        await new Promise((resolve) => setImmediate(resolve))
        res.text('slow')
      })
      app.get('/fast/:n', (req, res) => {
        ran.push(req.path)
        res.text(req.params.n)
      })
      const input =
        'GET /slow HTTP/1.1\r\nHost: a\r\n\r\n' +
        'GET /fast/1 HTTP/1.1\r\nHost: a\r\n\r\nGET /fast/2 HTTP/1.1\r\nHost: a\r\n\r\n'
      const t = await serveInput(app, { input: [input], endAfterInput: false })
      expect(ran).to.deep.equal(['/slow', '/fast/1'])
      const out = t.outputText('latin1')
      expect(out.slice(out.lastIndexOf('HTTP/1.1 '))).to.include('\r\nConnection: close\r\n')
      expect(t.isOpen).to.equal(false)
    })
  })
})

describe('Session: concurrent pipelining and unread bodies', () => {
  it('never takes bytes of a body the handler has yet to read for a pipelined request', async () => {
    const app = new App({ limits: { maxConcurrentRequests: 4 } })
    const ran: string[] = []
    app.get('/internal', (req, res) => {
      ran.push(req.path)
      res.text('internal')
    })
    app.post('/upload', { streamBody: true }, async (req, res) => {
      ran.push(req.path)
      await new Promise((resolve) => setImmediate(resolve))
      let body = ''
      for await (const piece of req.stream()) body += piece.toString('latin1')
      res.text(`${body.length}`)
    })
    const smuggled = 'GET /internal HTTP/1.1\r\nHost: a\r\n\r\n'
    const input = `POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: ${smuggled.length}\r\n\r\n${smuggled}`
    const t = await serveInput(app, { input: [input] })
    expect(ran).to.deep.equal(['/upload'])
    const out = t.outputText('latin1')
    expect(out.match(/HTTP\/1\.1 /g)).to.have.length(1)
    expect(out.endsWith(`\r\n\r\n${smuggled.length}`)).to.equal(true)
  })
})
