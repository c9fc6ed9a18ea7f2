import { expect } from 'chai'
import { App } from '../../../core/app/app.js'
import { MemoryTransport } from '../../../transports/memory-transport.js'
import type { Transport } from '../../../transports/transport.js'
import { maskDates } from '../../helpers/mask-dates.js'
import { response, textResponse } from '../../helpers/expected-response.js'
import { RawClient } from '../../helpers/raw-client.js'

/**
 * A MemoryTransport whose writes are held until the test lets them through, as a socket's are
 * while the kernel's buffer is full. It has no synchronous write, so every flush waits here.
 */
class HeldWritesTransport implements Transport {
  readonly memory: MemoryTransport
  readonly #held: { readonly bytes: Buffer; readonly resolve: (accepted: number | PromiseLike<number>) => void }[] = []
  #onHeld: (() => void) | undefined

  constructor(input: string) {
    this.memory = new MemoryTransport({ input: [input], endAfterInput: false })
  }
  get isOpen(): boolean {
    return this.memory.isOpen
  }
  read(): Promise<Buffer | null> {
    return this.memory.read()
  }
  write(bytes: Buffer): Promise<number> {
    return new Promise((resolve) => {
      this.#held.push({ bytes, resolve })
      this.#onHeld?.()
    })
  }
  close(): void {
    this.memory.close()
    // A closed socket settles what it held with nothing written.
    for (const write of this.#held.splice(0)) write.resolve(0)
  }
  /** Resolves once a write is being held. */
  held(): Promise<void> {
    if (this.#held.length > 0) return Promise.resolve()
    return new Promise((resolve) => (this.#onHeld = resolve))
  }
  /** Lets the held writes through. */
  release(): void {
    for (const write of this.#held.splice(0)) write.resolve(this.memory.write(write.bytes))
  }
}

interface Event {
  readonly what: string
  readonly status?: number
  readonly bytes?: number
  readonly aborted?: boolean
  readonly written?: number
}

function recordingApp(events: Event[], transport: () => HeldWritesTransport | undefined): App {
  const app = new App()
  app.onFinish((_req, _res, info) =>
    events.push({
      what: 'finish',
      status: info.status,
      bytes: info.bytes,
      aborted: info.aborted,
      written: transport()?.memory.output.length ?? -1,
    }),
  )
  app.get('/hello', (_req, res) => res.text('hello'))
  app.get('/stream', async (_req, res) => {
    res.start(200, { 'Content-Type': 'text/plain' })
    await res.write('abc')
    await res.end()
  })
  return app
}

describe('onFinish: after the last byte is written (issue 17)', () => {
  it('runs once the transport has written a whole response, not when it was handed to the output', async () => {
    const events: Event[] = []
    const t = new HeldWritesTransport('GET /hello HTTP/1.1\r\nHost: a\r\n\r\n')
    const app = recordingApp(events, () => t)
    const served = app.serve(t)
    await t.held()
    events.push({ what: 'write held', written: t.memory.output.length })
    t.release()
    await t.memory.waitForOutput((out) => out.includes('hello'))
    await new Promise((resolve) => setImmediate(resolve))
    expect(events).to.deep.equal([
      { what: 'write held', written: 0 },
      { what: 'finish', status: 200, bytes: 5, aborted: false, written: t.memory.output.length },
    ])
    expect(maskDates(t.memory.outputText('latin1'))).to.equal(textResponse('hello'))
    t.memory.end()
    await served
  })

  it('runs after the last piece of a streamed response has been written', async () => {
    const events: Event[] = []
    const t = new HeldWritesTransport('GET /stream HTTP/1.1\r\nHost: a\r\n\r\n')
    const app = recordingApp(events, () => t)
    const served = app.serve(t)
    // The head and the first piece, then the last chunk: each write held until released.
    for (let i = 0; i < 2; i++) {
      await t.held()
      events.push({ what: 'write held', written: t.memory.output.length })
      t.release()
    }
    await t.memory.waitForOutput((out) => out.toString('latin1').endsWith('0\r\n\r\n'))
    await new Promise((resolve) => setImmediate(resolve))
    const total = t.memory.output.length
    expect(events.map((e) => e.what)).to.deep.equal(['write held', 'write held', 'finish'])
    expect(events[2]).to.deep.equal({ what: 'finish', status: 200, bytes: 3, aborted: false, written: total })
    expect(maskDates(t.memory.outputText('latin1'))).to.equal(
      response('200 OK', ['Content-Type: text/plain', 'Transfer-Encoding: chunked'], '3\r\nabc\r\n0\r\n\r\n'),
    )
    t.memory.end()
    await served
  })

  it('says aborted when the connection dies while the last byte is still held', async () => {
    const events: Event[] = []
    const t = new HeldWritesTransport('GET /hello HTTP/1.1\r\nHost: a\r\n\r\n')
    const app = recordingApp(events, () => t)
    const served = app.serve(t)
    await t.held()
    expect(events).to.deep.equal([])
    t.memory.reset()
    t.release()
    await served
    expect(events).to.deep.equal([{ what: 'finish', status: 200, bytes: 5, aborted: true, written: 0 }])
  })

  it('runs for each of pipelined responses written in one write, after it', async () => {
    const events: Event[] = []
    const request = 'GET /hello HTTP/1.1\r\nHost: a\r\n\r\n'
    const t = new HeldWritesTransport(request + request)
    const app = recordingApp(events, () => t)
    const served = app.serve(t)
    await t.held()
    expect(events).to.deep.equal([])
    t.release()
    await t.memory.waitForOutput((out) => out.toString('latin1').split('hello').length === 3)
    await new Promise((resolve) => setImmediate(resolve))
    const total = t.memory.output.length
    expect(events).to.deep.equal([
      { what: 'finish', status: 200, bytes: 5, aborted: false, written: total },
      { what: 'finish', status: 200, bytes: 5, aborted: false, written: total },
    ])
    t.memory.end()
    await served
  })

  it('runs for a response started concurrently behind a pending one once it is written, and as aborted when an earlier response closed the connection', async () => {
    const finished: [string, number, boolean][] = []
    const app = new App({ limits: { maxConcurrentRequests: 4 } })
    app.onFinish((req, _res, info) => void finished.push([req.path, info.status, info.aborted]))
    app.get('/slow', async (_req, res) => {
      await new Promise((resolve) => setImmediate(resolve))
      res.text('slow')
    })
    app.get('/last', async (_req, res) => {
      await new Promise((resolve) => setImmediate(resolve))
      res.close().text('bye')
    })
    app.get('/hello', (_req, res) => res.text('hello'))
    const get = (path: string): string => `GET ${path} HTTP/1.1\r\nHost: a\r\n\r\n`
    const t = new MemoryTransport({ input: [get('/slow') + get('/hello') + get('/last') + get('/hello')] })
    await app.serve(t)
    expect(maskDates(t.outputText('latin1'))).to.equal(
      textResponse('slow') + textResponse('hello') + textResponse('bye', 'Connection: close'),
    )
    // The one behind the close is known cut at once; the others are told when their write is done.
    expect(finished).to.deep.equal([
      ['/hello', 200, true],
      ['/slow', 200, false],
      ['/hello', 200, false],
      ['/last', 200, false],
    ])
  })

  it('runs over a real socket once the response has been written', async () => {
    const events: Event[] = []
    const app = recordingApp(events, () => undefined)
    const server = await app.listen({ port: 0, host: '127.0.0.1' })
    try {
      const client = await RawClient.connect(server.port)
      client.write('GET /stream HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n')
      await client.ended()
      expect(events).to.deep.equal([{ what: 'finish', status: 200, bytes: 3, aborted: false, written: -1 }])
    } finally {
      await server.close()
    }
  })
})
