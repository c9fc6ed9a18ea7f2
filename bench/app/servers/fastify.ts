/** Fastify server of the realistic-route bench (see `fastify-app.ts`), on 127.0.0.1:$PORT. Run by `run.sh`. */
import { exitOnSignals, portFromEnv } from '../../http/servers/payloads.js'
import { fastifyTodoApp } from './fastify-app.js'
import { devNullLogger } from './todo-route.js'

exitOnSignals()
const app = await fastifyTodoApp(devNullLogger())
await app.listen({ port: portFromEnv(process.env), host: '127.0.0.1' })
console.log(`fastify listening on ${portFromEnv(process.env)}`)
