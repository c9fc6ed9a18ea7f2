/**
 * node:https benchmark server, the baseline of every ratio: `GET /plaintext` on
 * https://127.0.0.1:$PORT with explicit Content-Type, Content-Length and Server, as the
 * node:http server of `bench/http` answers (node adds Date, Connection and Keep-Alive itself).
 */
import { createServer } from 'node:https'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { PLAINTEXT_BODY, TEXT_TYPE, exitOnSignals, portFromEnv } from '../../http/servers/payloads.js'
import { certificateFromEnv } from './certificate.js'

const PLAINTEXT_LENGTH = Buffer.byteLength(PLAINTEXT_BODY)

function handle(req: IncomingMessage, res: ServerResponse): void {
  if (req.url === '/plaintext') {
    res.writeHead(200, { 'Content-Type': TEXT_TYPE, 'Content-Length': PLAINTEXT_LENGTH, Server: 'node' })
    res.end(PLAINTEXT_BODY)
  } else {
    res.writeHead(404, { 'Content-Length': 0, Server: 'node' })
    res.end()
  }
}

exitOnSignals()
const port = portFromEnv(process.env)
createServer({ ...certificateFromEnv(process.env), ALPNProtocols: ['http/1.1'] }, handle).listen(
  port,
  '127.0.0.1',
  () => {
    console.log(`node:https listening on ${port}`)
  },
)
