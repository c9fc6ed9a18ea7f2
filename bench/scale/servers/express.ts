/**
 * Express + express-session + connect-redis on 127.0.0.1:$PORT, the peer of `gatehouse.ts`:
 * `GET /plaintext`, `GET /login` (a session `{ count: 0 }`), `GET /count` (increments it). Sessions
 * live in Redis at `REDIS_URL` (every worker shares them). `WORKERS` (default 1) processes: one
 * plain process, or that many `node:cluster` workers behind a primary that only forks them.
 */
import cluster from 'node:cluster'
import { RedisStore } from 'connect-redis'
import express from 'express'
import session from 'express-session'
import { createClient } from 'redis'
import { exitOnSignals, PLAINTEXT_BODY, portFromEnv } from '../../http/servers/payloads.js'
import { addExpressCountRoutes } from '../../sessions/servers/express-count-routes.js'

const workers = Number(process.env.WORKERS ?? '1')
const port = portFromEnv(process.env)

if (workers > 1 && cluster.isPrimary) {
  for (let i = 0; i < workers; i++) cluster.fork()
  const stop = (): void => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill()
    process.exit(0)
  }
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
  console.log(`express scale listening on ${port}: ${workers} worker(s), redis store`)
} else {
  const client = createClient({ url: process.env.REDIS_URL! })
  await client.connect()
  const app = express()
  app.use(
    session({
      store: new RedisStore({ client, prefix: 'bench:express:' }),
      secret: 'bench secret, not a real one',
      resave: false,
      saveUninitialized: false,
    }),
  )
  app.get('/plaintext', (_req, res) => {
    res.type('text/plain; charset=utf-8').send(PLAINTEXT_BODY)
  })
  addExpressCountRoutes(app)
  if (workers === 1) exitOnSignals()
  app.listen(port, '127.0.0.1', () => workers === 1 && console.log(`express scale listening on ${port}`))
}
