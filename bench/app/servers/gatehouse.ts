/** Gatehouse server of the realistic-route bench, on 127.0.0.1:$PORT. Run by `bench/app/run.sh`. */
import { exitOnSignals, portFromEnv } from '../../http/servers/payloads.js'
import { gatehouseTodoApp } from './gatehouse-app.js'
import { devNullLogger } from './todo-route.js'

exitOnSignals()
const server = await gatehouseTodoApp(devNullLogger()).listen({ port: portFromEnv(process.env), host: '127.0.0.1' })
console.log(`gatehouse listening on ${server.port}`)
