/**
 * Express + express-session (its MemoryStore) on 127.0.0.1:$PORT: `GET /login` starts a session
 * `{ count: 0 }`; `GET /count` increments it and answers `{ count }` as JSON.
 */
import express from 'express'
import session from 'express-session'
import { exitOnSignals, portFromEnv } from '../../http/servers/payloads.js'

declare module 'express-session' {
  interface SessionData {
    count: number
  }
}

const app = express()
app.use(session({ secret: 'bench secret, not a real one', resave: false, saveUninitialized: false }))
app.get('/login', (req, res) => {
  req.session.count = 0
  res.json({ ok: true })
})
app.get('/count', (req, res) => {
  req.session.count = (req.session.count ?? 0) + 1
  res.json({ count: req.session.count })
})

exitOnSignals()
const port = portFromEnv(process.env)
app.listen(port, '127.0.0.1', () => console.log(`express sessions listening on ${port}`))
