import { App } from '../../core/app/app.js'
import type { UserConfig } from '../../core/config/config.js'

/**
 * An App with the small routes most Session specifications share:
 * `GET /hello` → text `hello`; `POST /echo` → the request body as text; `GET /json` → `{"ok":true}`.
 *
 * @param config - configuration for the App (limits, timeouts, WAF …)
 * @returns the App, ready for more routes
 * @example
 * ```ts
 * const app = testApp({ limits: { maxBodyBytes: 10 } })
 * app.get('/slow', async (_req, res) => res.text('late'))
 * ```
 */
export function testApp(config?: UserConfig): App {
  const app = new App(config)
  app.get('/hello', (_req, res) => res.text('hello'))
  app.post('/echo', (req, res) => res.text(req.text()))
  app.get('/json', (_req, res) => res.json({ ok: true }))
  return app
}
