/**
 * node:http benchmark server, the baseline every ratio is taken against: `GET /plaintext` and
 * `GET /json` on 127.0.0.1:$PORT with explicit Content-Type, Content-Length and Server (node:http
 * adds Date, Connection and Keep-Alive itself).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { JSON_TYPE, JSON_VALUE, PLAINTEXT_BODY, TEXT_TYPE, exitOnSignals, portFromEnv } from './payloads.js'

const PLAINTEXT_LENGTH = Buffer.byteLength(PLAINTEXT_BODY)

function handle(req: IncomingMessage, res: ServerResponse): void {
  if (req.url === '/plaintext') {
    res.writeHead(200, { 'Content-Type': TEXT_TYPE, 'Content-Length': PLAINTEXT_LENGTH, Server: 'node' })
    res.end(PLAINTEXT_BODY)
  } else if (req.url === '/json') {
    // Serialised per request, as the frameworks do: a cached string would not be comparable.
    const body = JSON.stringify(JSON_VALUE)
    res.writeHead(200, { 'Content-Type': JSON_TYPE, 'Content-Length': Buffer.byteLength(body), Server: 'node' })
    res.end(body)
  } else {
    res.writeHead(404, { 'Content-Length': 0, Server: 'node' })
    res.end()
  }
}

exitOnSignals()
const server = createServer(handle)
server.listen(portFromEnv(process.env), '127.0.0.1', () => {
  console.log(`node:http listening on ${portFromEnv(process.env)}`)
})
