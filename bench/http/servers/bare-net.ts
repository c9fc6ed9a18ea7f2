/**
 * The ceiling: a `net` server that never parses. It counts the requests in each chunk and answers
 * at once with that many canned plaintext responses in one write, whatever the path. No Node.js
 * HTTP server on this machine that writes as soon as it has answered can beat it.
 */
import { createServer, type Socket } from 'node:net'
import { cannedPlaintext, cannedPlaintextTimes, exitOnSignals, portFromEnv } from './payloads.js'
import { RequestCounter } from './request-counter.js'

function serve(socket: Socket): void {
  const counter = new RequestCounter()
  socket.setNoDelay(true)
  socket.on('data', (chunk: Buffer) => {
    const count = counter.count(chunk)
    if (count === 1) socket.write(cannedPlaintext())
    else if (count > 1) socket.write(cannedPlaintextTimes(count))
  })
  socket.on('error', () => socket.destroy())
}

exitOnSignals()
const port = portFromEnv(process.env)
createServer(serve).listen(port, '127.0.0.1', () => {
  console.log(`bare-net listening on ${port}`)
})
