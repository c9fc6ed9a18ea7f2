/**
 * The session routes the session and scale-out benchmarks measure on Express (express-session),
 * kept in one place so both peers answer the same bytes.
 */
import type { Express } from 'express'

declare module 'express-session' {
  interface SessionData {
    count: number
  }
}

/**
 * Adds `GET /login` (starts a session `{ count: 0 }`) and `GET /count` (increments it and answers
 * `{ count }` as JSON) to `app`, which must already use express-session.
 */
export function addExpressCountRoutes(app: Express): void {
  app.get('/login', (req, res) => {
    req.session.count = 0
    res.json({ ok: true })
  })
  app.get('/count', (req, res) => {
    req.session.count = (req.session.count ?? 0) + 1
    res.json({ count: req.session.count })
  })
}
