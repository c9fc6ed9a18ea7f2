/**
 * Hono server of the realistic-route bench, on 127.0.0.1:$PORT over `@hono/node-server`:
 * `hono/cors`, `hono/cookie`, `@hono/zod-validator`, and a pino line written by a middleware
 * after `await next()` (Hono's own logger prints to the console, not to pino).
 */
import { randomUUID } from 'node:crypto'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { cors } from 'hono/cors'
import { getCookie, setCookie } from 'hono/cookie'
import { zValidator } from '@hono/zod-validator'
import { exitOnSignals, portFromEnv } from '../../http/servers/payloads.js'
import { PAGE_ORIGIN, TODO_PATH, Todo, createTodo, devNullLogger } from './todo-route.js'

const ID = /^[A-Za-z0-9._:@+=/-]{1,128}$/
const logger = devNullLogger()

const app = new Hono()
app.use(cors({ origin: [PAGE_ORIGIN], credentials: true }))
app.use(async (c, next) => {
  const started = performance.now()
  const given = c.req.header('x-request-id')
  const id = given !== undefined && ID.test(given) ? given : randomUUID()
  c.header('X-Request-Id', id)
  await next()
  logger.info(
    {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      durationMs: performance.now() - started,
      requestId: id,
    },
    'request',
  )
})
app.post(TODO_PATH, zValidator('json', Todo), (c) => {
  const todo = createTodo(c.req.valid('json'), getCookie(c, 'sid') ?? '')
  setCookie(c, 'last', String(todo.id), { path: '/', httpOnly: true, sameSite: 'Lax' })
  return c.json(todo, 201)
})

exitOnSignals()
const port = portFromEnv(process.env)
serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => console.log(`hono listening on ${port}`))
