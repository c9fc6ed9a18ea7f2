import { expect } from 'chai'
import { App, MemoryTransport } from '../../index.js'
import { retainedBytes } from './heap.js'

const BODY_BYTES = 512 * 1024
// Input is pushed this many body bytes at a time, each push read before the next.
const BYTES_PER_PUSH = 4096

/** The body as 1-byte chunks: six bytes of framing for every byte of body. */
function oneByteChunks(count: number): Buffer {
  return Buffer.from('1\r\nx\r\n'.repeat(count), 'latin1')
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

describe('Memory per body byte for the worst chunking', function () {
  this.timeout(60_000)
  const app = new App({ limits: { maxBodyBytes: 10 * 1024 * 1024 } })
  app.post('/upload', (req) => ({ bytes: req.body.length }))

  for (const path of ['/upload', '/unrouted']) {
    it(`holds under 2 bytes per body byte while a body of 1-byte chunks arrives (${path})`, async () => {
      const t = new MemoryTransport({
        input: [`POST ${path} HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n`],
        endAfterInput: false,
      })
      const served = app.serve(t)
      await turn()
      const before = retainedBytes()
      for (let sent = 0; sent < BODY_BYTES; sent += BYTES_PER_PUSH) {
        t.push(oneByteChunks(BYTES_PER_PUSH))
        await turn()
      }
      const held = retainedBytes() - before
      t.push('0\r\n\r\n')
      t.end()
      await served
      const output = t.outputText('latin1')
      if (path === '/upload')
        expect(output)
          .to.match(/^HTTP\/1\.1 200 OK\r\n/)
          .and.to.satisfy((text: string) => text.endsWith(`\r\n\r\n{"bytes":${BODY_BYTES}}`))
      else expect(output).to.match(/^HTTP\/1\.1 404 Not Found\r\n/)
      // Before: about 107 bytes of heap per byte, a Buffer view kept for every chunk until the body ended.
      expect(held / BODY_BYTES, `${held} bytes held for ${BODY_BYTES} body bytes`).to.be.below(2)
    })
  }
})
