/**
 * The ceiling: a `net` server that never parses. It counts request terminators (`\r\n\r\n`) in
 * each chunk and answers with that many canned plaintext responses in one write, whatever the
 * path. No Node.js HTTP server on this machine can beat it, so it bounds every other result.
 *
 * A terminator may straddle two chunks, so the length of the partial terminator at the end of one
 * chunk is carried into the next.
 */
import { createServer, type Socket } from 'node:net'
import { cannedPlaintext, exitOnSignals, portFromEnv } from './payloads.js'

const TERMINATOR = Buffer.from('\r\n\r\n', 'latin1')
const CR = 0x0d
const LF = 0x0a

/** Length (0–3) of the longest tail of `chunk[from..]` that is a proper prefix of the terminator. */
function partialTail(chunk: Buffer, from: number): number {
  const end = chunk.length
  if (end - from >= 3 && chunk[end - 3] === CR && chunk[end - 2] === LF && chunk[end - 1] === CR) return 3
  if (end - from >= 2 && chunk[end - 2] === CR && chunk[end - 1] === LF) return 2
  return end - from >= 1 && chunk[end - 1] === CR ? 1 : 0
}

function serve(socket: Socket): void {
  let carried = 0
  socket.setNoDelay(true)
  socket.on('data', (chunk: Buffer) => {
    let count = 0
    let pos = 0
    // 1. Finish a terminator begun in the previous chunk; a mismatching byte is left for step 2.
    if (carried > 0) {
      while (pos < chunk.length && carried < 4 && chunk[pos] === TERMINATOR[carried]) {
        carried++
        pos++
      }
      // The whole chunk continued the partial terminator without completing it: keep carrying.
      if (carried < 4 && pos === chunk.length) return
      if (carried === 4) count++
      carried = 0
    }
    // 2. Whole terminators inside this chunk.
    for (let at = chunk.indexOf(TERMINATOR, pos); at !== -1; at = chunk.indexOf(TERMINATOR, pos)) {
      count++
      pos = at + 4
    }
    // 3. A terminator cut off at the end of the chunk.
    carried = partialTail(chunk, pos)
    if (count === 1) socket.write(cannedPlaintext())
    else if (count > 1) socket.write(Buffer.allocUnsafe(count * cannedPlaintext().length).fill(cannedPlaintext()))
  })
  socket.on('error', () => socket.destroy())
}

exitOnSignals()
const port = portFromEnv(process.env)
createServer(serve).listen(port, '127.0.0.1', () => {
  console.log(`bare-net listening on ${port}`)
})
