/**
 * Heap per body byte while a chunked body is read: the body arrives as `--chunk`-byte chunks in
 * 64 KiB reads, and the memory the reader holds (V8 heap plus ArrayBuffers, after a full GC) is
 * taken just before the last chunk, divided by the body's bytes. `--from` names another build's
 * `dist` folder (an older commit's) to measure its `readBody` in the same run. Run by hand:
 *
 *   npm run build && node --expose-gc dist/bench/wire/chunked-memory.js --body 4194304 --chunk 1
 *   node --expose-gc dist/bench/wire/chunked-memory.js --from /tmp/before/dist
 *
 * It prints one JSON line: `{ bodyBytes, chunkBytes, heapBytesPerBodyByte }`.
 */
import { pathToFileURL } from 'node:url'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'

const READ_BYTES = 64 * 1024

interface Reader {
  readBody(
    input: unknown,
    head: unknown,
    limit: number,
    maxTrailerBytes: number,
    waitForMore: () => Promise<number>,
  ): Promise<Buffer | number>
}

/** The chunked encoding of `bodyBytes` bytes in `chunkBytes`-byte chunks, read by read, each made when asked for. */
function framedReads(bodyBytes: number, chunkBytes: number): () => Buffer | undefined {
  const chunk = Buffer.from(`${chunkBytes.toString(16)}\r\n${'x'.repeat(chunkBytes)}\r\n`, 'latin1')
  const perRead = Math.max(1, Math.floor(READ_BYTES / chunk.length))
  let sent = 0
  return () => {
    if (sent >= bodyBytes) return undefined
    const count = Math.min(perRead, Math.ceil((bodyBytes - sent) / chunkBytes))
    const read = Buffer.allocUnsafe(count * chunk.length)
    for (let i = 0; i < count; i++) chunk.copy(read, i * chunk.length)
    sent += count * chunkBytes
    return read
  }
}

function retained(): number {
  const gc = (globalThis as { gc?: () => void }).gc
  if (gc === undefined) throw new Error('run with node --expose-gc')
  gc()
  gc()
  const usage = process.memoryUsage()
  return usage.heapUsed + usage.arrayBuffers
}

/**
 * @param distDir - the build whose `core/request/body-reader.js` and `core/wire/` are measured
 * @returns heap held per body byte just before the body's last chunk
 */
export async function heapPerBodyByte(distDir: string, bodyBytes: number, chunkBytes: number): Promise<number> {
  const url = (path: string): string => pathToFileURL(resolve(distDir, path)).href
  const { readBody } = (await import(url('core/request/body-reader.js'))) as Reader
  const { InputBuffer } = (await import(url('core/wire/input-buffer.js'))) as {
    InputBuffer: new () => { append(b: Buffer): number }
  }
  const { RequestHead } = (await import(url('core/wire/request-head.js'))) as {
    RequestHead: new () => { chunked: boolean }
  }
  const nextRead = framedReads(bodyBytes, chunkBytes)
  const last = Buffer.from('0\r\n\r\n', 'latin1')
  const input = new InputBuffer()
  const head = new RequestHead()
  head.chunked = true
  let baseline = 0
  let held = 0
  const waitForMore = async (): Promise<number> => {
    const read = nextRead()
    if (read !== undefined) return input.append(read)
    held = retained() - baseline
    return input.append(last)
  }
  baseline = retained()
  const body = await readBody(input, head, bodyBytes + 1, 16 * 1024, waitForMore)
  if (typeof body === 'number' || body.length !== bodyBytes)
    throw new Error(`body not read: ${typeof body === 'number' ? body : body.length}`)
  return held / bodyBytes
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      body: { type: 'string', default: String(4 << 20) },
      chunk: { type: 'string', default: '1' },
      from: { type: 'string' },
    },
  })
  const bodyBytes = Number(values.body)
  const chunkBytes = Number(values.chunk)
  const distDir = values.from ?? resolve(new URL('.', import.meta.url).pathname, '../..')
  const perByte = await heapPerBodyByte(distDir, bodyBytes, chunkBytes)
  console.log(JSON.stringify({ bodyBytes, chunkBytes, heapBytesPerBodyByte: Number(perByte.toFixed(2)) }))
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main()
