/**
 * The session routes the session and scale-out benchmarks measure on Gatehouse, kept in one place
 * so both servers answer the same bytes.
 */
import type { App } from '../../../index.js'

/**
 * Adds `GET /login` (creates a cookie-carried client session `{ count: 0 }`) and `GET /count`
 * (increments it and answers `{ count }` as JSON) to `app`.
 */
export function addCountRoutes(app: App): void {
  app.get('/login', (req) => {
    app.sessions.create(req, { data: { count: 0 }, useCookie: true })
    return { ok: true }
  })
  app.get('/count', (req) => {
    const data = req.session!.data as { count: number }
    data.count++
    return { count: data.count }
  })
}
