/**
 * Gatehouse HTTPS benchmark server: `GET /plaintext` on https://127.0.0.1:$PORT with the App's
 * defaults (WAF basic, ALPN http/1.1, TLS 1.2 minimum). Run by `bench/https/run.sh`.
 */
import { App } from '../../../index.js'
import { PLAINTEXT_BODY, exitOnSignals, portFromEnv } from '../../http/servers/payloads.js'
import { certificateFromEnv } from './certificate.js'

const app = new App({ tls: certificateFromEnv(process.env) })
app.get('/plaintext', (_req, res) => res.text(PLAINTEXT_BODY))

exitOnSignals()
const server = await app.listen({ port: portFromEnv(process.env), host: '127.0.0.1' })
console.log(`gatehouse https listening on ${server.url}`)
