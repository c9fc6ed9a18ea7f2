/**
 * Fastify + @fastify/cookie + @fastify/session (its memory store) on 127.0.0.1:$PORT: `GET /login`
 * starts a session `{ count: 0 }`; `GET /count` increments it and answers `{ count }` as JSON.
 */
import Fastify from 'fastify'
import fastifyCookie from '@fastify/cookie'
import fastifySession from '@fastify/session'
import { exitOnSignals, portFromEnv } from '../../http/servers/payloads.js'

declare module 'fastify' {
  interface Session {
    count?: number
  }
}

const app = Fastify({ logger: false })
await app.register(fastifyCookie)
await app.register(fastifySession, {
  secret: 'a bench secret of at least thirty-two characters',
  cookie: { secure: false },
  saveUninitialized: false,
})
app.get('/login', async (request) => {
  request.session.set('count', 0)
  return { ok: true }
})
app.get('/count', async (request) => {
  const count = (request.session.get('count') ?? 0) + 1
  request.session.set('count', count)
  return { count }
})

exitOnSignals()
const port = portFromEnv(process.env)
await app.listen({ port, host: '127.0.0.1' })
console.log(`fastify sessions listening on ${port}`)
