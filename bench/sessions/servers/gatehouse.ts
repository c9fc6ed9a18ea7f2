/**
 * Gatehouse session benchmark server on 127.0.0.1:$PORT: `GET /login` creates a cookie-carried
 * client session `{ count: 0 }`; `GET /count` increments it and answers `{ count }` as JSON.
 */
import { App } from '../../../index.js'
import { exitOnSignals, portFromEnv } from '../../http/servers/payloads.js'

const app = new App()
app.get('/login', (req) => {
  app.sessions.create(req, { data: { count: 0 }, useCookie: true })
  return { ok: true }
})
app.get('/count', (req) => {
  const data = req.session!.data as { count: number }
  data.count++
  return { count: data.count }
})

exitOnSignals()
const port = portFromEnv(process.env)
await app.listen({ port, host: '127.0.0.1' })
console.log(`gatehouse sessions listening on ${port}`)
