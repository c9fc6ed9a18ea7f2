/**
 * The HTTPS ceiling: a `tls` server that never parses. It counts request terminators
 * (`\r\n\r\n`) in what it decrypts and answers each with a canned plaintext response, so what it
 * measures is TLS itself plus one write per chunk.
 *
 * A terminator may straddle two chunks, so up to three trailing bytes are carried into the next.
 */
import { createServer, type TLSSocket } from 'node:tls'
import { cannedPlaintext, exitOnSignals, portFromEnv } from '../../http/servers/payloads.js'
import { certificateFromEnv } from './certificate.js'

const TERMINATOR = Buffer.from('\r\n\r\n', 'latin1')
const EMPTY = Buffer.alloc(0)

function serve(socket: TLSSocket): void {
  let carried: Buffer = EMPTY
  socket.setNoDelay(true)
  socket.on('error', () => socket.destroy())
  socket.on('data', (chunk: Buffer) => {
    const data = carried.length === 0 ? chunk : Buffer.concat([carried, chunk])
    let count = 0
    let from = 0
    for (let at = data.indexOf(TERMINATOR, from); at !== -1; at = data.indexOf(TERMINATOR, from)) {
      count++
      from = at + TERMINATOR.length
    }
    carried = data.subarray(Math.max(from, data.length - (TERMINATOR.length - 1)))
    if (count === 1) socket.write(cannedPlaintext())
    else if (count > 1) socket.write(Buffer.concat(Array.from({ length: count }, cannedPlaintext)))
  })
}

exitOnSignals()
const port = portFromEnv(process.env)
createServer({ ...certificateFromEnv(process.env), ALPNProtocols: ['http/1.1'] }, serve).listen(
  port,
  '127.0.0.1',
  () => {
    console.log(`bare tls listening on ${port}`)
  },
)
