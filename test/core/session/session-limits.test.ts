import { expect } from 'chai'
import type { App } from '../../../core/app/app.js'
import { MemoryTransport } from '../../../transports/memory-transport.js'
import { testApp } from '../../helpers/test-app.js'
import { serveInput, servedText } from '../../helpers/serve-input.js'
import { maskDates } from '../../helpers/mask-dates.js'
import { errorResponse, jsonResponse, textResponse } from '../../helpers/expected-response.js'

const HEAD_TOO_LARGE = errorResponse('431 Request Header Fields Too Large', 'Request header fields too large')
const TOO_MANY_HEADERS = errorResponse('431 Request Header Fields Too Large', 'Too many header fields')
const URI_TOO_LONG = errorResponse('414 URI Too Long', 'URI too long')
const PAYLOAD_TOO_LARGE = errorResponse('413 Payload Too Large', 'Payload too large')
const NEXT = 'GET /hello HTTP/1.1\r\nHost: a\r\n\r\n'

/** A GET /hello head of exactly `bytes` bytes, padded with one `X-Pad` field. */
function headOfSize(bytes: number): string {
  const bare = 'GET /hello HTTP/1.1\r\nHost: a\r\nX-Pad: \r\n\r\n'
  return bare.replace('X-Pad: ', `X-Pad: ${'p'.repeat(bytes - bare.length)}`)
}

/** A GET head with `count` fields in all (Host included). */
function headWithFields(count: number): string {
  let head = 'GET /hello HTTP/1.1\r\nHost: a\r\n'
  for (let i = 1; i < count; i++) head += `X-F${i}: ${i}\r\n`
  return `${head}\r\n`
}

/** A GET /hello head whose request-target is exactly `bytes` bytes (the query pads it). */
function headWithTarget(bytes: number): string {
  return `GET /hello?${'q'.repeat(bytes - 7)} HTTP/1.1\r\nHost: a\r\n\r\n`
}

/** Serves input that never ends (the client keeps the connection open) and waits for the Session to close it. */
async function serveOpen(app: App, input: string[]): Promise<MemoryTransport> {
  const t = new MemoryTransport({ input, endAfterInput: false })
  await app.serve(t)
  return t
}

describe('Session: limits enforced while reading', () => {
  // The WAF's own target and body checks are off, so the limits seen are the Session's.
  const app = testApp({ waf: { mode: 'off' } })

  describe('header block (default 16 KiB) → 431', () => {
    it('accepts a header block of exactly 16384 bytes', async () => {
      expect(headOfSize(16384).length).to.equal(16384)
      expect(await servedText(app, headOfSize(16384))).to.equal(textResponse('hello'))
    })

    it('answers 431 and closes for a header block of 16385 bytes', async () => {
      const t = await serveInput(app, { input: [headOfSize(16385), NEXT] })
      expect(maskDates(t.outputText('latin1'))).to.equal(HEAD_TOO_LARGE)
      expect(t.isOpen).to.equal(false)
    })

    it('answers 431 as soon as the unfinished header block crosses the limit, without waiting for its end', async () => {
      const t = await serveOpen(app, ['GET /hello HTTP/1.1\r\nHost: a\r\n', `X-Pad: ${'p'.repeat(16384)}`])
      expect(maskDates(t.outputText('latin1'))).to.equal(HEAD_TOO_LARGE)
    })

    it('applies a configured maxHeaderBytes', async () => {
      const small = testApp({ waf: { mode: 'off' }, limits: { maxHeaderBytes: 64 } })
      expect(await servedText(small, headOfSize(64))).to.equal(textResponse('hello'))
      expect(await servedText(small, headOfSize(65))).to.equal(HEAD_TOO_LARGE)
    })
  })

  describe('header count (default 100) → 431', () => {
    it('accepts 100 fields', async () => {
      expect(await servedText(app, headWithFields(100))).to.equal(textResponse('hello'))
    })

    it('answers 431 and closes for 101 fields', async () => {
      const t = await serveInput(app, { input: [headWithFields(101), NEXT] })
      expect(maskDates(t.outputText('latin1'))).to.equal(TOO_MANY_HEADERS)
      expect(t.isOpen).to.equal(false)
    })

    it('applies a configured maxHeaderCount', async () => {
      const few = testApp({ waf: { mode: 'off' }, limits: { maxHeaderCount: 3 } })
      expect(await servedText(few, headWithFields(3))).to.equal(textResponse('hello'))
      expect(await servedText(few, headWithFields(4))).to.equal(TOO_MANY_HEADERS)
    })
  })

  describe('request-target (default 8 KiB) → 414', () => {
    it('accepts a target of exactly 8192 bytes', async () => {
      expect(await servedText(app, headWithTarget(8192))).to.equal(textResponse('hello'))
    })

    it('answers 414 and closes for a target of 8193 bytes', async () => {
      const t = await serveInput(app, { input: [headWithTarget(8193), NEXT] })
      expect(maskDates(t.outputText('latin1'))).to.equal(URI_TOO_LONG)
      expect(t.isOpen).to.equal(false)
    })

    it('answers 414 while an overlong request line is still arriving', async () => {
      const t = await serveOpen(app, [`GET /${'a'.repeat(10_000)}`])
      expect(maskDates(t.outputText('latin1'))).to.equal(URI_TOO_LONG)
    })
  })

  describe('body (default 10 MiB) → 413', () => {
    it('refuses a declared Content-Length over 10 MiB before any body byte is read', async () => {
      const t = await serveOpen(app, ['POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 10485761\r\n\r\n'])
      expect(maskDates(t.outputText('latin1'))).to.equal(PAYLOAD_TOO_LARGE)
      expect(t.isOpen).to.equal(false)
    })

    it('accepts a body of exactly 10 MiB', async () => {
      const body = 'b'.repeat(10 * 1024 * 1024)
      const big = testApp({ waf: { mode: 'off' } }).post('/size', (req, res) => res.text(String(req.body.length)))
      const text = await servedText(
        big,
        `POST /size HTTP/1.1\r\nHost: a\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
      )
      expect(text).to.equal(textResponse('10485760'))
    })

    const limited = testApp({ waf: { mode: 'off' }, limits: { maxBodyBytes: 10 } })

    it('accepts a Content-Length body at a configured limit', async () => {
      const text = await servedText(limited, 'POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n0123456789')
      expect(text).to.equal(textResponse('0123456789'))
    })

    it('refuses a declared Content-Length one byte over a configured limit, before its body', async () => {
      const t = await serveOpen(limited, ['POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n'])
      expect(maskDates(t.outputText('latin1'))).to.equal(PAYLOAD_TOO_LARGE)
    })

    it('refuses a chunked body the moment it crosses the limit, without waiting for its end', async () => {
      const t = await serveOpen(limited, [
        'POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n',
        '6\r\nhello \r\n',
        '6\r\nworld!\r\n',
      ])
      expect(maskDates(t.outputText('latin1'))).to.equal(PAYLOAD_TOO_LARGE)
      expect(t.isOpen).to.equal(false)
    })

    it('accepts a chunked body of exactly the limit', async () => {
      const input =
        'POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n'
      expect(await servedText(limited, input)).to.equal(textResponse('helloworld'))
    })
  })

  describe('per-route options apply from the parsed head on, while the body is read', () => {
    const routed = testApp({
      waf: { mode: 'basic', rules: [{ id: 'no-evil', pattern: /evil/, where: ['target', 'body'] }] },
      limits: { maxBodyBytes: 10 },
    })
    routed.post('/small', { bodyLimit: 4 }, (req, res) => res.text(req.text()))
    routed.post('/large', { bodyLimit: 20 }, (req, res) => res.text(req.text()))
    routed.post('/open', { waf: 'off' }, (req, res) => res.text(req.text()))
    routed.get('/open', { waf: 'off' }, (req, res) => res.text(req.query.q ?? ''))

    it("refuses a body over the route's lower bodyLimit before reading it", async () => {
      const t = await serveOpen(routed, ['POST /small HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n'])
      expect(maskDates(t.outputText('latin1'))).to.equal(PAYLOAD_TOO_LARGE)
    })

    it("refuses a chunked body crossing the route's lower bodyLimit", async () => {
      const t = await serveOpen(routed, [
        'POST /small HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n',
      ])
      expect(maskDates(t.outputText('latin1'))).to.equal(PAYLOAD_TOO_LARGE)
    })

    it("accepts a body over the global limit within the route's higher bodyLimit", async () => {
      const text = await servedText(
        routed,
        'POST /large HTTP/1.1\r\nHost: a\r\nContent-Length: 15\r\n\r\n0123456789abcde',
      )
      expect(text).to.equal(textResponse('0123456789abcde'))
    })

    it("checks the target with the route's WAF mode: off lets it through", async () => {
      expect(await servedText(routed, 'GET /open?q=evil HTTP/1.1\r\nHost: a\r\n\r\n')).to.equal(textResponse('evil'))
    })

    it('checks the target with the global WAF mode elsewhere: blocked with 400 before the handler runs', async () => {
      const text = await servedText(routed, 'GET /hello?q=evil HTTP/1.1\r\nHost: a\r\n\r\n')
      expect(text).to.equal(jsonResponse('400 Bad Request', { message: 'Request blocked', rule: 'no-evil' }))
    })

    it("checks the body with the route's WAF mode: off lets it through", async () => {
      expect(await servedText(routed, 'POST /open HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nevil')).to.equal(
        textResponse('evil'),
      )
    })

    it('checks the body with the global WAF mode elsewhere: blocked with 400', async () => {
      const text = await servedText(routed, 'POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nevil')
      expect(text).to.equal(jsonResponse('400 Bad Request', { message: 'Request blocked', rule: 'no-evil' }))
    })
  })
})
