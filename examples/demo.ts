// The demo server: `npm start` serves it over HTTP on 8080 and HTTPS on 8443 with a development
// certificate generated on first run (certs/dev/ under the working folder, ignored by git).
// PORT, TLS_PORT and HOST choose where it listens; on the default `localhost` it answers at
// 127.0.0.1 and at ::1 (when the machine has IPv6), since clients differ in which one they try.
import { App, ensureDevCertificate } from '../index.js'

const startedAt = Date.now()
const certificate = await ensureDevCertificate()

const app = new App({
  tls: { cert: certificate.certPath, key: certificate.keyPath, port: Number(process.env.TLS_PORT ?? 8443) },
})

app.get('/', (_req, res) => res.text('Gatehouse is running. Try GET /api/status or POST /api/echo.\n'))

app.get('/api/status', (req) => ({
  status: 'ok',
  uptimeMs: Date.now() - startedAt,
  secure: req.secure,
  protocol: req.tls?.protocol ?? null,
}))

app.post('/api/echo', (req, res) => {
  res.header('Content-Type', req.header('content-type') ?? 'application/octet-stream').send(req.body)
})

const server = await app
  .listen({ port: Number(process.env.PORT ?? 8080), host: process.env.HOST ?? 'localhost' })
  .catch((err: unknown) => {
    // A taken port is one line, not a stack trace.
    console.error(err instanceof Error && 'code' in err && err.code === 'ERR_ADDRESS_IN_USE' ? err.message : err)
    process.exit(1)
  })
console.log(`Gatehouse demo: ${server.url} and ${server.tlsUrl}`)

const stop = (): void => {
  server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  )
}
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
