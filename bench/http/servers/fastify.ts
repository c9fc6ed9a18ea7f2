/**
 * Fastify benchmark server: `GET /plaintext` and `GET /json` on 127.0.0.1:$PORT, logger off,
 * answers returned from async handlers the idiomatic way (Fastify sets Content-Type and
 * Content-Length; node:http underneath adds Date, Connection and Keep-Alive; Fastify sends no Server).
 */
import Fastify from 'fastify'
import { JSON_VALUE, PLAINTEXT_BODY, exitOnSignals, portFromEnv } from './payloads.js'

const app = Fastify({ logger: false })
app.get('/plaintext', async () => PLAINTEXT_BODY)
app.get('/json', async () => JSON_VALUE)

exitOnSignals()
const port = portFromEnv(process.env)
await app.listen({ port, host: '127.0.0.1' })
console.log(`fastify listening on ${port}`)
