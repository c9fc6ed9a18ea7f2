import { expect } from 'chai'
import net from 'node:net'
import { once } from 'node:events'
import { Readable } from 'node:stream'
import { App, PlainTransport } from '../../index.js'
import { retainedBytes } from './heap.js'
import { SlowReader } from './slow-reader.js'

const KIB = 1024
// A socket's default high-water mark, which the pieces are sized to when the transport tells none.
const SOCKET_HIGH_WATER_MARK = 16 * KIB
// The bound: what one socket buffer holds, plus 8 KiB for the response's head, its chunk framing
// and the connection's own objects.
const BOUND = SOCKET_HIGH_WATER_MARK + 8 * KIB
// When the socket's buffer is full the next piece is this small, and waits for it to drain.
const MIN_PIECE_BYTES = KIB
// The size line and CRLF of two chunks, more than they take.
const CHUNK_FRAMING_BYTES = 32
// More than the response's head takes.
const HEAD_BYTES = 512

/**
 * An endless source that counts what it made: the bytes it pushed minus the bytes still in its own
 * buffer are the bytes the server took from it.
 */
class EndlessSource extends Readable {
  pushed = 0
  readonly #pieceBytes: number

  constructor(pieceBytes: number, highWaterMark: number) {
    super({ highWaterMark })
    this.#pieceBytes = pieceBytes
  }

  override _read(): void {
    // A fresh buffer each time, as a file or a socket gives: a shared one would hide copies.
    while (this.push(Buffer.alloc(this.#pieceBytes, 0x61))) this.pushed += this.#pieceBytes
    this.pushed += this.#pieceBytes
  }

  /** Bytes the server took out of this source. */
  get taken(): number {
    return this.pushed - this.readableLength
  }

  /** The memory of the pieces still in its buffer: a piece partly read is still held whole. */
  get bufferedBytes(): number {
    return Math.ceil(this.readableLength / this.#pieceBytes) * this.#pieceBytes
  }
}

/** A source of `total` bytes, a repeating alphabet, in pieces of `pieceBytes`. */
class FiniteSource extends Readable {
  pushed = 0
  readonly #total: number
  readonly #pieceBytes: number

  constructor(total: number, pieceBytes: number) {
    super({ highWaterMark: pieceBytes })
    this.#total = total
    this.#pieceBytes = pieceBytes
  }

  override _read(): void {
    const size = Math.min(this.#pieceBytes, this.#total - this.pushed)
    if (size === 0) return void this.push(null)
    const piece = Buffer.allocUnsafe(size)
    for (let i = 0; i < size; i++) piece[i] = 0x61 + ((this.pushed + i) % 26)
    this.pushed += size
    this.push(piece)
  }

  /** Bytes the server took out of this source. */
  get taken(): number {
    return this.pushed - this.readableLength
  }

  /** The whole body, as latin1 text. */
  expected(): string {
    const body = Buffer.allocUnsafe(this.#total)
    for (let i = 0; i < this.#total; i++) body[i] = 0x61 + (i % 26)
    return body.toString('latin1')
  }
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/** Turns of the event loop until `isDone`, at most `limit` of them. */
async function turnsUntil(isDone: () => boolean, limit = 1000): Promise<void> {
  for (let n = 0; n < limit && !isDone(); n++) await turn()
}

/**
 * An App whose `/endless` handler waits at a gate, then streams an endless source. Memory is
 * measured with every request waiting at the gate, and again once every response has stalled: the
 * difference, less what the sources keep in their own buffers, is what streaming holds.
 */
class StallingApp {
  readonly app = new App()
  readonly sources: EndlessSource[] = []
  #waiting = 0
  readonly #gate: Promise<void>
  #open!: () => void

  constructor() {
    this.#gate = new Promise((resolve) => (this.#open = resolve))
    this.app.get('/endless', async (_req, res) => {
      this.#waiting++
      await this.#gate
      const source = new EndlessSource(64 * KIB, 64 * KIB)
      this.sources.push(source)
      return res.stream(source)
    })
  }

  /** Opens the gate for `count` waiting requests and measures once `stalled` resolves. */
  async heldPerResponse(count: number, stalled: () => Promise<void>): Promise<number> {
    await turnsUntil(() => this.#waiting === count)
    expect(this.#waiting, 'requests at the gate').to.equal(count)
    const before = retainedBytes()
    this.#open()
    await turnsUntil(() => this.sources.length === count)
    await stalled()
    let sourceBytes = 0
    for (const source of this.sources) sourceBytes += source.bufferedBytes
    return (retainedBytes() - before - sourceBytes) / count
  }
}

const SOURCES = [
  { name: '64 KiB pieces and 64 KiB read-ahead (a file)', piece: 64 * KIB, highWaterMark: 64 * KIB },
  { name: '1 KiB pieces and 256 KiB read-ahead', piece: KIB, highWaterMark: 256 * KIB },
  { name: '1 MiB pieces', piece: 1024 * KIB, highWaterMark: 16 * KIB },
]

describe('res.stream() to clients that stop reading', function () {
  this.timeout(60_000)

  describe('over a transport that takes nothing', () => {
    for (const { name, piece, highWaterMark } of SOURCES) {
      it(`takes at most the socket's high-water mark from an endless Readable of ${name}`, async () => {
        const sources: EndlessSource[] = []
        const app = new App()
        app.get('/endless', (_req, res) => {
          const source = new EndlessSource(piece, highWaterMark)
          sources.push(source)
          return res.stream(source)
        })
        const client = new SlowReader('GET /endless HTTP/1.1\r\nHost: a\r\n\r\n', 0, 0)
        const served = app.serve(client)
        await turnsUntil(() => sources.length === 1 && sources[0]!.taken > 0)
        for (let n = 0; n < 20; n++) await turn()
        const taken = sources[0]!.taken
        client.close()
        await served
        expect(taken, 'bytes taken from the source').to.be.at.most(SOCKET_HIGH_WATER_MARK)
        expect(sources[0]!.destroyed, 'source stopped when the client left').to.equal(true)
      })
    }

    it('pulls nothing more from an async iterable while the first piece is unsent', async () => {
      let pulls = 0
      async function* endless(): AsyncGenerator<Buffer> {
        for (;;) {
          pulls++
          yield Buffer.alloc(64 * KIB, 0x62)
        }
      }
      const app = new App()
      app.get('/endless', (_req, res) => res.stream(endless()))
      const client = new SlowReader('GET /endless HTTP/1.1\r\nHost: a\r\n\r\n', 0, 0)
      const served = app.serve(client)
      await turnsUntil(() => pulls > 0)
      for (let n = 0; n < 20; n++) await turn()
      expect(pulls).to.equal(1)
      client.close()
      await served
    })

    it('holds, per stalled response, no more than the bound beside its source and its request', async () => {
      const STALLED = 100
      const stalling = new StallingApp()
      const clients = Array.from(
        { length: STALLED },
        () => new SlowReader('GET /endless HTTP/1.1\r\nHost: a\r\n\r\n', 0, 0),
      )
      const served = clients.map((client) => stalling.app.serve(client))
      const held = await stalling.heldPerResponse(STALLED, async () => {
        await turnsUntil(() => stalling.sources.every((source) => source.taken > 0))
        for (let n = 0; n < 20; n++) await turn()
      })
      for (const client of clients) client.close()
      await Promise.all(served)
      expect(held, 'bytes held per stalled response beside its source').to.be.below(BOUND)
    })
  })

  describe('over real sockets', () => {
    it('keeps at most a socket buffer of each stalled response in the process, the kernel aside', async () => {
      const STALLED = 20
      // A declared length, so that every body byte taken from a source is a byte on the wire.
      const LENGTH = 2 ** 40
      const sources: EndlessSource[] = []
      const sockets: net.Socket[] = []
      const app = new App()
      app.get('/endless', (_req, res) => {
        const source = new EndlessSource(64 * KIB, 64 * KIB)
        sources.push(source)
        res.header('Content-Length', LENGTH)
        return res.stream(source)
      })
      const server = net.createServer((socket) => {
        sockets.push(socket)
        void app.serve(new PlainTransport(socket))
      })
      server.listen(0, '127.0.0.1')
      await once(server, 'listening')
      const { port } = server.address() as net.AddressInfo
      const clients: net.Socket[] = []
      try {
        for (let i = 0; i < STALLED; i++) {
          const client = net.connect(port, '127.0.0.1')
          // Paused before it connects, the socket never starts reading: the bytes stay in the kernel.
          client.pause()
          await once(client, 'connect')
          client.write('GET /endless HTTP/1.1\r\nHost: a\r\n\r\n')
          clients.push(client)
        }
        // Stalled once the kernel takes nothing more: no source gives for 50 checks in a row. There
        // is no event for a full kernel buffer, so this watches the sources instead.
        let last = -1
        let still = 0
        for (let n = 0; n < 100_000 && still < 50; n++) {
          let taken = 0
          for (const source of sources) taken += source.taken
          still = sources.length === STALLED && taken === last ? still + 1 : 0
          last = taken
          await new Promise((resolve) => setTimeout(resolve, 1))
        }
        expect(still, 'every response stalled').to.equal(50)
        // What the process holds of the responses: taken from their sources, not yet in the kernel
        // (their heads are at most HEAD_BYTES each of what the sockets handed on).
        let taken = 0
        let inKernel = 0
        for (const source of sources) taken += source.taken
        for (const socket of sockets) inKernel += socket.bytesWritten - socket.writableLength
        const held = (taken - inKernel) / STALLED + HEAD_BYTES
        expect(held, 'bytes held in the process per stalled response').to.be.at.most(
          SOCKET_HIGH_WATER_MARK + MIN_PIECE_BYTES + HEAD_BYTES,
        )
        expect(Math.max(...sockets.map((socket) => socket.writableLength)), 'largest socket buffer').to.be.at.most(
          SOCKET_HIGH_WATER_MARK + MIN_PIECE_BYTES,
        )
      } finally {
        for (const client of clients) client.destroy()
        server.close()
      }
    })

    it("writes an async iterable's large pieces in slices the socket's buffer holds, pulling the next only when all is out", async () => {
      const PIECE = 1024 * KIB
      let pulls = 0
      async function* endless(): AsyncGenerator<Uint8Array> {
        for (;;) {
          pulls++
          yield new Uint8Array(PIECE)
        }
      }
      const sockets: net.Socket[] = []
      const app = new App()
      app.get('/endless', (_req, res) => res.stream(endless()))
      const server = net.createServer((socket) => {
        sockets.push(socket)
        void app.serve(new PlainTransport(socket))
      })
      server.listen(0, '127.0.0.1')
      await once(server, 'listening')
      const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1')
      client.pause()
      try {
        await once(client, 'connect')
        client.write('GET /endless HTTP/1.1\r\nHost: a\r\n\r\n')
        let last = -1
        let still = 0
        for (let n = 0; n < 100_000 && still < 50; n++) {
          const sent = sockets[0]?.bytesWritten ?? 0
          still = sent > 0 && sent === last ? still + 1 : 0
          last = sent
          await new Promise((resolve) => setTimeout(resolve, 1))
        }
        expect(still, 'stalled').to.equal(50)
        const socket = sockets[0]!
        const inKernel = socket.bytesWritten - socket.writableLength
        expect(socket.writableLength, "the socket's buffer").to.be.at.most(
          SOCKET_HIGH_WATER_MARK + MIN_PIECE_BYTES + CHUNK_FRAMING_BYTES,
        )
        expect(pulls, 'pieces pulled').to.equal(Math.floor(inKernel / PIECE) + 1)
      } finally {
        client.destroy()
        server.close()
      }
    })
  })

  describe('to a client that reads slowly', () => {
    it('sends the whole 6 MB, holding no more than the bound taken from the source and not yet taken by the client', async () => {
      const TOTAL = 6 * 1000 * 1000
      const source = new FiniteSource(TOTAL, 64 * KIB)
      const app = new App()
      app.get('/six', (_req, res) => {
        res.header('Content-Length', TOTAL)
        return res.stream(source)
      })
      const client = new SlowReader('GET /six HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n', 48 * KIB, 0, true)
      let worst = 0
      const watch = setInterval(() => (worst = Math.max(worst, source.taken - client.received)), 0)
      await app.serve(client)
      clearInterval(watch)
      const text = client.text()
      const head = text.slice(0, text.indexOf('\r\n\r\n') + 4)
      expect(head).to.match(/^HTTP\/1\.1 200 OK\r\n/)
      expect(head.toLowerCase()).to.include(`content-length: ${TOTAL}\r\n`)
      expect(client.received - head.length).to.equal(TOTAL)
      expect(text.slice(head.length) === source.expected(), 'the body, byte for byte').to.equal(true)
      expect(worst, 'bytes taken from the source and not yet by the client').to.be.at.most(BOUND)
    })
  })
})
