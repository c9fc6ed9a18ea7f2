/**
 * The ceiling for a server whose responses leave at the end of the event loop's turn, as
 * Gatehouse's do (`core/session/turn-end.ts`): like `bare-net` it never parses and answers every request
 * with canned plaintext, but it holds each connection's answers until the turn's check phase and
 * writes them there, one connection after another, one write each.
 */
import { createServer, type Socket } from 'node:net'
import { cannedPlaintext, cannedPlaintextTimes, exitOnSignals, portFromEnv } from './payloads.js'
import { RequestCounter } from './request-counter.js'

// Connections with answers waiting for the turn's end, and how many each has.
const due = new Map<Socket, number>()

function writeDue(): void {
  for (const [socket, count] of due) {
    if (socket.destroyed) continue
    socket.write(count === 1 ? cannedPlaintext() : cannedPlaintextTimes(count))
  }
  due.clear()
}

function serve(socket: Socket): void {
  const counter = new RequestCounter()
  socket.setNoDelay(true)
  socket.on('data', (chunk: Buffer) => {
    const count = counter.count(chunk)
    if (count === 0) return
    if (due.size === 0) setImmediate(writeDue)
    due.set(socket, (due.get(socket) ?? 0) + count)
  })
  socket.on('error', () => socket.destroy())
}

exitOnSignals()
const port = portFromEnv(process.env)
createServer(serve).listen(port, '127.0.0.1', () => {
  console.log(`bare-net-turn-end listening on ${port}`)
})
