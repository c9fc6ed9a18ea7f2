// The demo server: `npm start` serves it over HTTP on 8080 and HTTPS on 8443 with a development
// certificate generated on first run (certs/dev/, ignored by git).
import { App, ensureDevCertificate } from '../index.js'

const startedAt = Date.now()
const certificate = await ensureDevCertificate()

const app = new App({ tls: { cert: certificate.certPath, key: certificate.keyPath, port: 8443 } })

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

const server = await app.listen({ port: Number(process.env.PORT ?? 8080), host: process.env.HOST ?? 'localhost' })
console.log(`Gatehouse demo: ${server.url} and ${server.tlsUrl}`)

const stop = (): void => {
  server.close().then(() => process.exit(0), () => process.exit(1))
}
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
