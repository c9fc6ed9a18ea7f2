import { expect } from 'chai'
import { Readable } from 'node:stream'
import sinon from 'sinon'
import { App, MemoryTransport, type MemoryTransportOptions, type Request, type Response } from '../../index.js'

// Every stage times out after a second of fake time, so a stalled case ends in a few ticks.
const TIMEOUT_MS = 1000
const TIMEOUTS = {
  headerTimeoutMs: TIMEOUT_MS,
  bodyTimeoutMs: TIMEOUT_MS,
  handlerTimeoutMs: TIMEOUT_MS,
  idleTimeoutMs: TIMEOUT_MS,
  writeTimeoutMs: TIMEOUT_MS,
}
// Ticks of fake time a case may take before it counts as a hang.
const MAX_TICKS = 20
// Body bytes between two cuts tried inside a long run of data; every framing byte is cut at.
const DATA_STRIDE = 4096

/** A piece of a request: framing (every offset is cut at) or data (sampled). */
interface Part {
  readonly bytes: Buffer
  readonly isData: boolean
}

const frame = (text: string): Part => ({ bytes: Buffer.from(text, 'latin1'), isData: false })
const data = (bytes: Buffer): Part => ({ bytes, isData: true })
// A pipelined request after each exchange: cuts fall between requests and in the next one too.
const NEXT_GET = (kind: string): Part => frame(`GET /${kind}/text HTTP/1.1\r\nHost: a\r\n\r\n`)

const BODY_64K = Buffer.alloc(64 * 1024, 'abcdefghijklmnopqrstuvwxyz')
const CHUNKS = [Buffer.alloc(3000, 'c'), Buffer.alloc(1, 'd'), Buffer.alloc(700, 'e')]

interface Scenario {
  readonly name: string
  parts(kind: string): Part[]
}

const SCENARIOS: readonly Scenario[] = [
  {
    name: 'a keep-alive GET',
    parts: (kind) => [frame(`GET /${kind}/text HTTP/1.1\r\nHost: a\r\nAccept: */*\r\n\r\n`), NEXT_GET(kind)],
  },
  {
    name: 'a 64 KiB POST',
    parts: (kind) => [
      frame(`POST /${kind}/body HTTP/1.1\r\nHost: a\r\nContent-Length: ${BODY_64K.length}\r\n\r\n`),
      data(BODY_64K),
      NEXT_GET(kind),
    ],
  },
  {
    name: 'a chunked POST',
    parts: (kind) => [
      frame(`POST /${kind}/body HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n`),
      ...CHUNKS.flatMap((chunk, n) => [
        frame(`${chunk.length.toString(16)}${n === 1 ? ';x=y' : ''}\r\n`),
        data(chunk),
        frame('\r\n'),
      ]),
      frame('0\r\nTrailer-Field: t\r\n\r\n'),
      NEXT_GET(kind),
    ],
  },
  {
    name: 'a response written with start/write/end',
    parts: (kind) => [frame(`GET /${kind}/written HTTP/1.1\r\nHost: a\r\n\r\n`), NEXT_GET(kind)],
  },
  {
    name: 'a response streamed from a Readable',
    parts: (kind) => [frame(`GET /${kind}/streamed HTTP/1.1\r\nHost: a\r\n\r\n`), NEXT_GET(kind)],
  },
]

const PIECES = ['first piece '.repeat(200), 'second piece '.repeat(300), 'third piece '.repeat(100)]

function routes(app: App): void {
  const text = (_req: Request, res: Response): void => res.text('hello')
  const body = (req: Request, res: Response): void => res.json({ bytes: req.body.length })
  const written = (_req: Request, res: Response): Promise<boolean> => {
    res.start(200, { 'Content-Type': 'text/plain' })
    for (const piece of PIECES) void res.write(piece)
    return res.end()
  }
  const streamed = (_req: Request, res: Response): Promise<boolean> =>
    res.stream(Readable.from(PIECES.map((piece) => Buffer.from(piece))))
  app.get('/sync/text', text)
  app.post('/sync/body', body)
  app.get('/sync/written', (req, res) => void written(req, res))
  app.get('/sync/streamed', (req, res) => void streamed(req, res))
  const later = async (): Promise<void> => {
    await new Promise((resolve) => setImmediate(resolve))
  }
  app.get('/async/text', async (req, res) => {
    await later()
    text(req, res)
  })
  app.post('/async/body', async (req, res) => {
    await later()
    body(req, res)
  })
  app.get('/async/written', async (_req, res) => {
    await later()
    res.start(200, { 'Content-Type': 'text/plain' })
    for (const piece of PIECES) if (!(await res.write(piece))) return
    await res.end()
  })
  app.get('/async/streamed', async (req, res) => {
    await later()
    await streamed(req, res)
  })
}

/** The offsets a request is cut at: every one in framing, the edges and a stride in data. */
function cutOffsets(parts: readonly Part[]): number[] {
  const offsets = new Set<number>()
  let start = 0
  for (const part of parts) {
    const length = part.bytes.length
    if (!part.isData) for (let k = 0; k <= length; k++) offsets.add(start + k)
    else for (const k of [0, 1, 2, length - 2, length - 1, length]) offsets.add(start + k)
    if (part.isData) for (let k = DATA_STRIDE; k < length; k += DATA_STRIDE) offsets.add(start + k)
    start += length
  }
  return [...offsets].sort((a, b) => a - b)
}

/** What one faulted connection left behind. */
interface Outcome {
  readonly closes: number
  readonly timersLeft: number
  readonly activeResources: string[]
  readonly unhandled: unknown[]
}

describe('Fault matrix: every request cut at every offset class, every response at every write', function () {
  this.timeout(120_000)
  let clock: sinon.SinonFakeTimers
  let closes = 0
  const app = new App({ timeouts: TIMEOUTS })
  routes(app)
  app.onClose(() => closes++)
  app.onError(() => undefined)
  const unhandled: unknown[] = []
  const onUnhandled = (reason: unknown): void => {
    unhandled.push(reason)
  }

  before(() => process.on('unhandledRejection', onUnhandled))
  after(() => process.off('unhandledRejection', onUnhandled))
  beforeEach(() => {
    clock = sinon.useFakeTimers({
      now: Date.UTC(2026, 11, 1, 12, 0, 0),
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
    })
  })
  afterEach(() => clock.restore())

  const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))
  // Timers are counted on the fake clock, which holds every timer a Session arms; the real
  // `Timeout` and `Immediate` handles come and go with the fake clock's own ticking.
  const handles = (): string[] =>
    process.getActiveResourcesInfo().filter((name) => name !== 'Immediate' && name !== 'Timeout')

  async function run(
    options: MemoryTransportOptions,
  ): Promise<Outcome & { output: Buffer; writes: readonly Buffer[] }> {
    const resourcesBefore = handles()
    const timersBefore = clock.countTimers()
    closes = 0
    unhandled.length = 0
    const t = new MemoryTransport(options)
    let ended = false
    const served = app.serve(t).then(() => {
      ended = true
    })
    for (let tick = 0; !ended && tick < MAX_TICKS; tick++) {
      await turn()
      if (!ended) await clock.tickAsync(TIMEOUT_MS)
    }
    expect(ended, 'the Session ended').to.equal(true)
    await served
    await turn()
    // An ended Session holds no timer, not even one that would fire harmlessly later.
    const timersLeft = clock.countTimers() - timersBefore
    // Later turns and timers must not close it again, nor leave anything behind.
    await clock.tickAsync(TIMEOUT_MS * 2)
    await turn()
    const resourcesAfter = handles()
    return {
      closes,
      timersLeft,
      activeResources: resourcesAfter.slice(resourcesBefore.length),
      unhandled: [...unhandled],
      output: t.output,
      writes: t.writes,
    }
  }

  function expectClean(outcome: Outcome, label: string): void {
    expect(outcome.closes, `${label}: onClose calls`).to.equal(1)
    expect(outcome.timersLeft, `${label}: timers left`).to.equal(0)
    expect(outcome.activeResources, `${label}: resources left`).to.deep.equal([])
    expect(outcome.unhandled, `${label}: unhandled rejections`).to.deep.equal([])
  }

  for (const scenario of SCENARIOS) {
    for (const kind of ['sync', 'async']) {
      describe(`${scenario.name}, ${kind} handler`, () => {
        const parts = scenario.parts(kind)
        const input = Buffer.concat(parts.map((part) => part.bytes))

        it('is served whole, and cleanly, without a fault', async () => {
          const outcome = await run({ input })
          expectClean(outcome, 'no fault')
          expect(outcome.output.toString('latin1').match(/HTTP\/1\.1 200 OK\r\n/g), 'two responses').to.have.length(2)
        })

        it('closes once and leaves nothing when the input ends or resets at each offset', async () => {
          const offsets = cutOffsets(parts)
          for (const offset of offsets) {
            expectClean(await run({ input: input.subarray(0, offset) }), `end at ${offset}`)
            expectClean(await run({ input, resetAfterInputBytes: offset }), `reset at ${offset}`)
            // The same cut with the bytes arriving in small reads.
            expectClean(
              await run({ input: input.subarray(0, offset), chunkSize: 7 }),
              `end at ${offset} in 7-byte reads`,
            )
          }
        })

        it('closes once and leaves nothing when a write fails or stalls at each write, at its start and inside it', async () => {
          const { writes } = await run({ input })
          const marks = new Set<number>()
          let written = 0
          for (const write of writes) {
            marks.add(written)
            marks.add(written + 1)
            marks.add(written + Math.floor(write.length / 2))
            written += write.length
          }
          for (const mark of marks) {
            expectClean(await run({ input, failWriteAfterBytes: mark }), `write fails at ${mark}`)
            expectClean(await run({ input, zeroWriteAfterBytes: mark }), `write stalls at ${mark}`)
            expectClean(
              await run({ input, maxWriteBytes: 1000, failWriteAfterBytes: mark }),
              `short writes, failing at ${mark}`,
            )
          }
        })
      })
    }
  }
})
