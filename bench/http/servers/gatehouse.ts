/**
 * Gatehouse benchmark server: `GET /plaintext` and `GET /json` on 127.0.0.1:$PORT, with the WAF in
 * `$WAF_MODE` (default `basic`, the App's default). Run by the HTTP load runner, `run.sh`.
 */
import { App, type WafConfig } from '../../../index.js'
import { JSON_VALUE, PLAINTEXT_BODY, exitOnSignals, portFromEnv } from './payloads.js'

const mode = (process.env.WAF_MODE ?? 'basic') as WafConfig['mode']
const app = new App({ waf: { mode } })
app.get('/plaintext', (_req, res) => res.text(PLAINTEXT_BODY))
app.get('/json', (_req, res) => res.json(JSON_VALUE))

exitOnSignals()
const server = await app.listen({ port: portFromEnv(process.env), host: '127.0.0.1' })
console.log(`gatehouse (waf ${mode}) listening on ${server.port}`)
