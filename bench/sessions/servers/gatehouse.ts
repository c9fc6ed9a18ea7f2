/**
 * Gatehouse session benchmark server on 127.0.0.1:$PORT: `GET /login` creates a cookie-carried
 * client session `{ count: 0 }`; `GET /count` increments it and answers `{ count }` as JSON.
 */
import { App } from '../../../index.js'
import { exitOnSignals, portFromEnv } from '../../http/servers/payloads.js'
import { addCountRoutes } from './count-routes.js'

const app = new App()
addCountRoutes(app)

exitOnSignals()
const port = portFromEnv(process.env)
await app.listen({ port, host: '127.0.0.1' })
console.log(`gatehouse sessions listening on ${port}`)
