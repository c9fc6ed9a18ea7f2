import { expect } from 'chai'
import { MemoryTransport } from '../../../transports/memory-transport.js'
import type { TextEncoding } from '../../../transports/transport.js'
import { testApp } from '../../helpers/test-app.js'
import { serveInput, servedText } from '../../helpers/serve-input.js'
import { maskDates } from '../../helpers/mask-dates.js'
import { RecordingTransport } from '../../helpers/recording-transport.js'
import { response, textResponse } from '../../helpers/expected-response.js'

const BIG = Buffer.alloc(1000, 'b')
const BIG_TEXT = 't'.repeat(1000)
const BIG_HEAD =
  'HTTP/1.1 200 OK\r\nServer: gatehouse\r\nDate: <date>\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000\r\n\r\n'
const STREAMED = response('200 OK', ['Transfer-Encoding: chunked'], '5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n')

describe('Session: writing responses', () => {
  // smallWriteBytes 64: a 1000-byte body takes the large path, `hello` the small one.
  const app = testApp({ smallWriteBytes: 64 })
  app.get('/big', (_req, res) => res.send(BIG))
  app.get('/big-text', (_req, res) => res.text(BIG_TEXT))
  app.get('/stream', async (_req, res) => {
    await res.write('hello')
    await res.write(' world')
    await res.end()
  })
  app.get('/sized-stream', async (_req, res) => {
    res.start(200, { 'Content-Length': '11' })
    await res.write('hello')
    await res.end(' world')
  })

  describe('small path', () => {
    it('writes head and body in one write', async () => {
      const t = await serveInput(app, { input: ['GET /hello HTTP/1.1\r\nHost: a\r\n\r\n'] })
      expect(maskDates(t.outputText('latin1'))).to.equal(textResponse('hello'))
      expect(t.writes.length).to.equal(1)
    })

    it('hands the whole response to tryWriteText: latin1 when it is ASCII, UTF-8 otherwise', async () => {
      const encodings: TextEncoding[] = []
      class TextRecording extends MemoryTransport {
        override tryWriteText(text: string, encoding: TextEncoding): boolean {
          encodings.push(encoding)
          return super.tryWriteText(text, encoding)
        }
      }
      // The default smallWriteBytes: both responses take the small path.
      const small = testApp()
      small.get('/accents', (_req, res) => res.text('h\u00e9 \u2713'))
      const t = new TextRecording({
        input: ['GET /hello HTTP/1.1\r\nHost: a\r\n\r\n', 'GET /accents HTTP/1.1\r\nHost: a\r\n\r\n'],
      })
      await small.serve(t)
      expect(encodings).to.deep.equal(['latin1', 'utf8'])
      expect(t.writes.length).to.equal(2)
      const accented = Buffer.from('h\u00e9 \u2713', 'utf8')
      expect(maskDates(t.writes[1]!.toString('latin1'))).to.equal(
        response(
          '200 OK',
          ['Content-Type: text/plain; charset=utf-8', `Content-Length: ${accented.length}`],
          accented.toString('latin1'),
        ),
      )
    })
  })

  describe('large path', () => {
    it("writes the head, then the handler's body Buffer itself, not a copy", async () => {
      const t = new RecordingTransport({ input: 'GET /big HTTP/1.1\r\nHost: a\r\n\r\n' })
      await app.serve(t)
      expect(maskDates(t.memory.outputText('latin1'))).to.equal(BIG_HEAD + BIG.toString('latin1'))
      const chunks = t.calls.flat()
      expect(chunks.length).to.equal(2)
      expect(maskDates(chunks[0]!.toString('latin1'))).to.equal(BIG_HEAD)
      expect(chunks[1]).to.equal(BIG)
    })

    it('writes a large text body as a buffer of its own, after the head', async () => {
      const t = new RecordingTransport({ input: 'GET /big-text HTTP/1.1\r\nHost: a\r\n\r\n' })
      await app.serve(t)
      const chunks = t.calls.flat()
      expect(chunks.map((chunk) => maskDates(chunk.toString('latin1')))).to.deep.equal([
        'HTTP/1.1 200 OK\r\nServer: gatehouse\r\nDate: <date>\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 1000\r\n\r\n',
        BIG_TEXT,
      ])
    })
  })

  describe('stream path', () => {
    it('sends res.write() pieces chunked and res.end() as the last chunk', async () => {
      expect(await servedText(app, 'GET /stream HTTP/1.1\r\nHost: a\r\n\r\n')).to.equal(STREAMED)
    })

    it('streams without chunking when a Content-Length was declared', async () => {
      expect(await servedText(app, 'GET /sized-stream HTTP/1.1\r\nHost: a\r\n\r\n')).to.equal(
        response('200 OK', ['Content-Length: 11'], 'hello world'),
      )
    })

    it('streams to an HTTP/1.0 client without chunking, ending the body by closing', async () => {
      const text = await servedText(app, 'GET /stream HTTP/1.0\r\n\r\n')
      expect(text).to.equal(response('200 OK', ['Connection: close'], 'hello world'))
    })

    it('keeps the connection usable after a streamed response', async () => {
      const text = await servedText(
        app,
        'GET /stream HTTP/1.1\r\nHost: a\r\n\r\nGET /hello HTTP/1.1\r\nHost: a\r\n\r\n',
      )
      expect(text).to.equal(STREAMED + textResponse('hello'))
    })
  })

  describe('HEAD', () => {
    it("sends GET's headers with no body (small path)", async () => {
      expect(await servedText(app, 'HEAD /hello HTTP/1.1\r\nHost: a\r\n\r\n')).to.equal(
        textResponse('hello').slice(0, -'hello'.length),
      )
    })

    it("sends GET's headers with no body (large path)", async () => {
      expect(await servedText(app, 'HEAD /big HTTP/1.1\r\nHost: a\r\n\r\n')).to.equal(BIG_HEAD)
    })

    it("sends GET's headers with no body (stream path), and the next request is read correctly", async () => {
      const text = await servedText(
        app,
        'HEAD /stream HTTP/1.1\r\nHost: a\r\n\r\nGET /hello HTTP/1.1\r\nHost: a\r\n\r\n',
      )
      expect(text).to.equal(response('200 OK', ['Transfer-Encoding: chunked']) + textResponse('hello'))
    })
  })

  describe('short writes', () => {
    const input =
      'GET /hello HTTP/1.1\r\nHost: a\r\n\r\nGET /big HTTP/1.1\r\nHost: a\r\n\r\nGET /stream HTTP/1.1\r\nHost: a\r\n\r\n'
    const expected = textResponse('hello') + BIG_HEAD + BIG.toString('latin1') + STREAMED
    for (let max = 1; max <= 7; max++) {
      it(`continues after short writes: maxWriteBytes ${max} still yields the exact bytes`, async () => {
        const t = await serveInput(app, { input: [input], maxWriteBytes: max })
        expect(maskDates(t.outputText('latin1'))).to.equal(expected)
        expect(t.writes.every((write) => write.length <= max)).to.equal(true)
      })
    }
  })

  describe('failed writes', () => {
    const input = 'GET /hello HTTP/1.1\r\nHost: a\r\n\r\n'

    it('closes the connection when a write accepts 0 bytes', async () => {
      const t = await serveInput(app, { input: [input, input], endAfterInput: false, zeroWriteAfterBytes: 10 })
      expect(t.outputText('latin1')).to.equal('HTTP/1.1 2')
      expect(t.isOpen).to.equal(false)
    })

    it('closes the connection when a write fails (EPIPE)', async () => {
      const t = await serveInput(app, { input: [input, input], endAfterInput: false, failWriteAfterBytes: 10 })
      expect(t.outputText('latin1')).to.equal('HTTP/1.1 2')
      expect(t.lastError).to.have.property('code', 'EPIPE')
      expect(t.isOpen).to.equal(false)
    })

    it('closes the connection when a streamed write accepts 0 bytes, and res.write() reports false', async () => {
      const results: boolean[] = []
      const streaming = testApp().get('/s', async (_req, res) => {
        results.push(await res.write('a'.repeat(100)))
        results.push(await res.write('b'))
      })
      const t = await serveInput(streaming, {
        input: ['GET /s HTTP/1.1\r\nHost: a\r\n\r\n'],
        endAfterInput: false,
        zeroWriteAfterBytes: 120,
      })
      expect(t.output.length).to.equal(120)
      expect(t.isOpen).to.equal(false)
      expect(results).to.deep.equal([false, false])
    })
  })
})
