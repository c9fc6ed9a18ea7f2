/**
 * Express + express-session (its MemoryStore) on 127.0.0.1:$PORT: `GET /login` starts a session
 * `{ count: 0 }`; `GET /count` increments it and answers `{ count }` as JSON.
 */
import express from 'express'
import session from 'express-session'
import { exitOnSignals, portFromEnv } from '../../http/servers/payloads.js'
import { addExpressCountRoutes } from './express-count-routes.js'

const app = express()
app.use(session({ secret: 'bench secret, not a real one', resave: false, saveUninitialized: false }))
addExpressCountRoutes(app)

exitOnSignals()
const port = portFromEnv(process.env)
app.listen(port, '127.0.0.1', () => console.log(`express sessions listening on ${port}`))
