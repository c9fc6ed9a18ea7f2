/**
 * Gatehouse scale-out benchmark server on 127.0.0.1:$PORT: `GET /plaintext`; `GET /login` creates
 * a cookie-carried client session `{ count: 0 }`; `GET /count` increments it and answers
 * `{ count }`. `WORKERS` (default 1) processes: one plain process, or `app.listen({ workers })`
 * with `node:cluster`. `STORE=redis` keeps sessions in Redis at `REDIS_URL` (every worker shares
 * them), `STORE=memory` in each process (so `/count` is only meaningful with one worker).
 */
import cluster from 'node:cluster'
import { App, redisStore } from '../../../index.js'
import { exitOnSignals, PLAINTEXT_BODY, portFromEnv } from '../../http/servers/payloads.js'
import { addCountRoutes } from '../../sessions/servers/count-routes.js'

const workers = Number(process.env.WORKERS ?? '1')
const useRedis = process.env.STORE === 'redis'
// The primary of a cluster serves nothing, so it keeps no store.
const store =
  useRedis && (workers === 1 || cluster.isWorker) ? await redisStore({ url: process.env.REDIS_URL! }) : undefined

const app = new App(store === undefined ? {} : { sessions: { store } })
app.get('/plaintext', (_req, res) => res.text(PLAINTEXT_BODY))
addCountRoutes(app)

const port = portFromEnv(process.env)
if (workers === 1) {
  exitOnSignals()
  await app.listen({ port, host: '127.0.0.1' })
} else {
  // The primary drains its workers on SIGTERM by itself.
  await app.listen({ port, host: '127.0.0.1', workers })
}
if (!cluster.isWorker)
  console.log(`gatehouse scale listening on ${port}: ${workers} worker(s), ${store ? 'redis' : 'memory'} store`)
