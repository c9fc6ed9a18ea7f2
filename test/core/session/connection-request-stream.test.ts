import { expect } from 'chai'
import { App } from '../../../core/app/app.js'
import type { CloseReason } from '../../../core/request/connection.js'
import type { HttpServer } from '../../../core/server/http-server.js'
import { MemoryTransport } from '../../../transports/memory-transport.js'
import { servedText } from '../../helpers/serve-input.js'
import { maskDates } from '../../helpers/mask-dates.js'
import { jsonResponse, response, textResponse } from '../../helpers/expected-response.js'
import { deferred } from '../../helpers/deferred.js'
import { RawClient } from '../../helpers/raw-client.js'

const HELLO = 'GET /hello HTTP/1.1\r\nHost: a\r\n\r\n'
const sized = (path: string, body: string): string =>
  `POST ${path} HTTP/1.1\r\nHost: a\r\nContent-Length: ${body.length}\r\n\r\n${body}`
const chunked = (path: string, chunks: string): string =>
  `POST ${path} HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n${chunks}`

describe('Connection API: streamed request bodies (issue 6)', () => {
  let app: App
  let closes: CloseReason[]
  let failures: unknown[]

  beforeEach(() => {
    app = new App()
    closes = []
    failures = []
    app.onClose((_conn, reason) => closes.push(reason))
    app.get('/hello', (_req, res) => res.text('hello'))
    app.post('/pieces', { streamBody: true, bodyLimit: 16 }, async (req, res) => {
      const pieces: string[] = []
      for await (const piece of req.stream()) pieces.push(piece.toString('latin1'))
      res.json({ pieces, trailers: req.trailers })
    })
    app.post('/caught', { streamBody: true, bodyLimit: 16 }, async (req, res) => {
      try {
        for await (const piece of req.stream()) void piece
        res.text('whole')
      } catch (err) {
        failures.push(err)
        res.status(299).text('failed')
      }
    })
    app.post('/ignore', { streamBody: true, bodyLimit: 16 }, (_req, res) => res.text('ignored'))
  })

  it('hands the handler each piece as it arrives, before the rest is sent', async () => {
    const firstPiece = deferred()
    app.post('/live', { streamBody: true }, async (req, res) => {
      const pieces: string[] = []
      for await (const piece of req.stream()) {
        pieces.push(piece.toString('latin1'))
        firstPiece.resolve()
      }
      res.json(pieces)
    })
    const t = new MemoryTransport({ endAfterInput: false })
    const served = app.serve(t)
    t.push('POST /live HTTP/1.1\r\nHost: a\r\nContent-Length: 7\r\n\r\nabc')
    await firstPiece.promise
    t.push('defg')
    const expected = jsonResponse('200 OK', ['abc', 'defg'])
    await t.waitForOutput((out) => maskDates(out.toString('latin1')) === expected)
    t.end()
    await served
  })

  it('decodes a chunked body, the chunks of one read as one piece, and exposes the trailers after the end', async () => {
    const body = '3\r\nabc\r\n4\r\ndefg\r\n0\r\nX-Sum: 7\r\n\r\n'
    expect(await servedText(app, chunked('/pieces', body) + HELLO)).to.equal(
      jsonResponse('200 OK', { pieces: ['abcdefg'], trailers: { 'x-sum': '7' } }) + textResponse('hello'),
    )
  })

  it('refuses a Content-Length over the route limit with 413 before the handler runs', async () => {
    expect(await servedText(app, sized('/pieces', 'x'.repeat(17)))).to.equal(
      jsonResponse('413 Payload Too Large', { message: 'Payload too large' }, 'Connection: close'),
    )
  })

  it('throws a 413 error from the iterator when a chunked body crosses the limit, and closes', async () => {
    const body = `9\r\n${'a'.repeat(9)}\r\n9\r\n${'b'.repeat(9)}\r\n0\r\n\r\n`
    expect(await servedText(app, chunked('/caught', body) + HELLO)).to.equal(
      response(
        '299 Unknown',
        ['Content-Type: text/plain; charset=utf-8', 'Content-Length: 6', 'Connection: close'],
        'failed',
      ),
    )
    expect(
      failures.map((err) => [(err as { code?: unknown }).code, (err as { status?: unknown }).status]),
    ).to.deep.equal([['ERR_BODY_TOO_LARGE', 413]])
    expect(closes).to.deep.equal(['error'])
  })

  it('answers an uncaught over-limit body with 413 JSON and closes', async () => {
    const body = `9\r\n${'a'.repeat(9)}\r\n9\r\n${'b'.repeat(9)}\r\n0\r\n\r\n`
    expect(await servedText(app, chunked('/pieces', body) + HELLO)).to.equal(
      jsonResponse('413 Payload Too Large', { message: 'request body exceeds maxBodyBytes (16)' }, 'Connection: close'),
    )
  })

  it('throws a 400 error from the iterator for broken chunk framing, and closes', async () => {
    expect(await servedText(app, chunked('/pieces', '3\r\nabc\r\nzz\r\n') + HELLO)).to.equal(
      jsonResponse('400 Bad Request', { message: 'malformed request: invalid chunked body' }, 'Connection: close'),
    )
  })

  it('throws ERR_REQUEST_ABORTED from the iterator when the client leaves mid-body', async () => {
    await servedText(app, 'POST /caught HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc')
    expect(failures.map((err) => (err as { message?: unknown }).message)).to.deep.equal([
      'the client closed the connection after 3 body bytes, before the body ended',
    ])
  })

  it('drains an unread body within the limit after the handler and answers the next request', async () => {
    expect(await servedText(app, sized('/ignore', 'x'.repeat(16)) + HELLO)).to.equal(
      textResponse('ignored') + textResponse('hello'),
    )
    expect(await servedText(app, chunked('/ignore', '5\r\nabcde\r\n0\r\n\r\n') + HELLO)).to.equal(
      textResponse('ignored') + textResponse('hello'),
    )
  })

  it('closes after the response when an unread chunked body exceeds the limit', async () => {
    const body = `9\r\n${'a'.repeat(9)}\r\n9\r\n${'b'.repeat(9)}\r\n0\r\n\r\n`
    expect(await servedText(app, chunked('/ignore', body) + HELLO)).to.equal(textResponse('ignored'))
    expect(closes).to.deep.equal(['error'])
  })

  it('streams a body sent in several TCP writes over a real socket', async () => {
    const server: HttpServer = await app.listen({ port: 0, host: '127.0.0.1' })
    const gotFirst = deferred()
    app.post('/live', { streamBody: true }, async (req, res) => {
      const pieces: string[] = []
      for await (const piece of req.stream()) {
        pieces.push(piece.toString('latin1'))
        gotFirst.resolve()
      }
      res.json(pieces)
    })
    const client = await RawClient.connect(server.port)
    client.write('POST /live HTTP/1.1\r\nHost: a\r\nContent-Length: 7\r\n\r\nabc')
    await gotFirst.promise
    client.write('defg')
    const expected = jsonResponse('200 OK', ['abc', 'defg'])
    await client.waitFor((text) => maskDates(text) === expected)
    client.close()
    await server.close()
  })
})
