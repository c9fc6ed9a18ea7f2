import { expect } from 'chai'
import { App } from '../../../core/app/app.js'
import type { CloseReason, Connection, DetachedConnection } from '../../../core/request/connection.js'
import type { Transport } from '../../../transports/transport.js'
import { MemoryTransport } from '../../../transports/memory-transport.js'
import { maskDates } from '../../helpers/mask-dates.js'
import { textResponse } from '../../helpers/expected-response.js'
import { deferred } from '../../helpers/deferred.js'
import { RawClient } from '../../helpers/raw-client.js'

const GET = (path: string): string => `GET ${path} HTTP/1.1\r\nHost: a\r\n\r\n`
const TAIL = 'not HTTP at all \x00\xff' + GET('/hello')
/** Raw bytes (latin1): a string input would be sent as UTF-8. */
const bytes = (text: string): Buffer => Buffer.from(text, 'latin1')

/** Reads a transport to its end. */
async function readAll(transport: Transport): Promise<Buffer> {
  const chunks: Buffer[] = []
  for (let chunk = await transport.read(); chunk !== null; chunk = await transport.read()) chunks.push(chunk)
  return Buffer.concat(chunks)
}

describe('Connection API: detach (issue 6)', () => {
  let app: App
  let closes: CloseReason[]
  let detached: DetachedConnection | undefined

  beforeEach(() => {
    app = new App()
    closes = []
    detached = undefined
    app.onClose((_conn, reason) => closes.push(reason))
    app.get('/hello', (_req, res) => res.text('hello'))
    app.all('/detach', async (req) => {
      detached = await req.connection.detach()
    })
  })

  for (const chunkSize of [1, 7, 64, 4096]) {
    it(`returns exactly the unread bytes, the rest following on the transport (${chunkSize}-byte chunks)`, async () => {
      const t = new MemoryTransport({ input: [bytes(GET('/detach') + TAIL)], chunkSize })
      await app.serve(t)
      const rest = await readAll(detached!.transport)
      expect(Buffer.concat([detached!.buffered, rest]).toString('latin1')).to.equal(TAIL)
      expect(t.output.length).to.equal(0)
      expect(closes).to.deep.equal(['detached'])
    })
  }

  it('returns the whole pipelined remainder as buffered when it arrived with the request', async () => {
    const t = new MemoryTransport({ input: [bytes(GET('/detach') + TAIL)], endAfterInput: false })
    await app.serve(t)
    expect(detached!.buffered.toString('latin1')).to.equal(TAIL)
    expect(t.isOpen).to.equal(true)
    t.close()
  })

  it('leaves a request body out of the buffered bytes', async () => {
    const t = new MemoryTransport({
      input: [bytes('POST /detach HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nbody' + TAIL)],
      endAfterInput: false,
    })
    await app.serve(t)
    expect(detached!.buffered.toString('latin1')).to.equal(TAIL)
    t.close()
  })

  it('writes responses queued before it, then hands the transport over', async () => {
    const t = new MemoryTransport({ input: [GET('/hello') + GET('/detach') + 'rest'], endAfterInput: false })
    await app.serve(t)
    expect(maskDates(t.outputText('latin1'))).to.equal(textResponse('hello'))
    await detached!.transport.write(Buffer.from('mine'))
    expect(maskDates(t.outputText('latin1'))).to.equal(textResponse('hello') + 'mine')
    expect(detached!.buffered.toString('latin1')).to.equal('rest')
    t.close()
  })

  it('refuses a second detach with ERR_ALREADY_DETACHED and a response after it with ERR_RESPONSE_ALREADY_SENT', async () => {
    const codes: unknown[] = []
    app.get('/twice', async (req, res) => {
      detached = await req.connection.detach()
      await req.connection.detach().catch((err: { code?: unknown }) => codes.push(err.code))
      try {
        res.text('late')
      } catch (err) {
        codes.push((err as { code?: unknown }).code)
      }
    })
    const t = new MemoryTransport({ input: [GET('/twice')], endAfterInput: false })
    await app.serve(t)
    expect(codes).to.deep.equal(['ERR_ALREADY_DETACHED', 'ERR_RESPONSE_ALREADY_SENT'])
    expect(t.output.length).to.equal(0)
    t.close()
  })

  describe('from outside a handler, while the connection is idle', () => {
    let kept: Connection | undefined
    beforeEach(() => {
      kept = undefined
      app.get('/keep', (req, res) => {
        kept = req.connection
        res.text('kept')
      })
    })

    it('takes the transport back from a parked Session: the next bytes go to the new owner', async () => {
      const t = new MemoryTransport({ input: [GET('/keep')], endAfterInput: false })
      const served = app.serve(t)
      await t.waitForOutput((out) => out.toString('latin1').endsWith('kept'))
      const { transport, buffered } = await kept!.detach()
      await served
      expect(buffered.length).to.equal(0)
      expect(closes).to.deep.equal(['detached'])
      t.push('after')
      expect((await transport.read())!.toString('latin1')).to.equal('after')
      expect(maskDates(t.outputText('latin1'))).to.equal(textResponse('kept'))
      expect(t.isOpen).to.equal(true)
      t.close()
    })

    it('refuses with ERR_DETACH_WHILE_READING over a transport that can only wait in read()', async () => {
      const memory = new MemoryTransport({ input: [GET('/keep')], endAfterInput: false })
      const waiting = deferred<void>()
      let reads = 0
      // Only the required members: the Session waits in a read() it cannot take back.
      const t: Transport = {
        read: () => {
          if (++reads === 2) waiting.resolve()
          return memory.read()
        },
        write: (b) => memory.write(b),
        close: () => memory.close(),
        get isOpen() {
          return memory.isOpen
        },
      }
      const served = app.serve(t)
      await waiting.promise
      expect(maskDates(memory.outputText('latin1'))).to.equal(textResponse('kept'))
      const err = await kept!.detach().then(
        () => undefined,
        (e: unknown) => e,
      )
      expect((err as { code?: string }).code).to.equal('ERR_DETACH_WHILE_READING')
      memory.push(GET('/hello'))
      await memory.waitForOutput((out) => out.toString('latin1').endsWith('hello'))
      memory.end()
      await served
      expect(maskDates(memory.outputText('latin1'))).to.equal(textResponse('kept') + textResponse('hello'))
      expect(closes).to.deep.equal(['client-closed'])
    })
  })

  it('hands a real socket over with the bytes sent behind the request, and keeps it open', async () => {
    const handed = deferred<DetachedConnection>()
    app.get('/take', async (req) => handed.resolve(await req.connection.detach()))
    const server = await app.listen({ port: 0, host: '127.0.0.1' })
    const client = await RawClient.connect(server.port)
    client.write(GET('/take') + 'ping')
    const { transport, buffered } = await handed.promise
    // TCP may split the bytes; whatever the Session did not buffer is still on the transport.
    let ping = buffered
    while (ping.length < 4) ping = Buffer.concat([ping, (await transport.read())!])
    const more = transport.read()
    await transport.write(Buffer.from(`pong:${ping.toString('latin1')}`))
    await client.waitFor((text) => text === 'pong:ping')
    client.write('again')
    expect((await more)!.toString('latin1')).to.equal('again')
    transport.close()
    expect((await client.ended()).toString('latin1')).to.equal('pong:ping')
    expect(server.connections).to.equal(0)
    await server.close()
    expect(closes).to.deep.equal(['detached'])
  })
})
