/**
 * Express server of the realistic-route bench, on 127.0.0.1:$PORT: `express.json()`, zod, and
 * what has no package installed here written by hand: CORS headers (the `cors` package does the
 * same three), the Cookie field parsed with the `cookie` package (as `cookie-parser` does), and a
 * pino line on the response's `finish`.
 */
import { randomUUID } from 'node:crypto'
import express from 'express'
import { parseCookie } from 'cookie'
import { exitOnSignals, portFromEnv } from '../../http/servers/payloads.js'
import { LAST_COOKIE, PAGE_ORIGIN, TODO_PATH, Todo, createTodo, devNullLogger } from './todo-route.js'

const ID = /^[A-Za-z0-9._:@+=/-]{1,128}$/
const logger = devNullLogger()

const app = express()
app.disable('x-powered-by')
app.disable('etag')
app.use((req, res, next) => {
  const started = performance.now()
  const given = req.get('x-request-id')
  const id = given !== undefined && ID.test(given) ? given : randomUUID()
  res.setHeader('X-Request-Id', id)
  res.on('finish', () =>
    logger.info(
      {
        method: req.method,
        path: req.path,
        status: res.statusCode,
        durationMs: performance.now() - started,
        requestId: id,
      },
      'request',
    ),
  )
  if (req.get('origin') === PAGE_ORIGIN) {
    res.setHeader('Access-Control-Allow-Origin', PAGE_ORIGIN)
    res.setHeader('Access-Control-Allow-Credentials', 'true')
  }
  res.vary('Origin')
  next()
})
app.use(express.json())
app.post(TODO_PATH, (req, res) => {
  const parsed = Todo.safeParse(req.body)
  if (!parsed.success) {
    res.status(400).json({ message: 'Invalid body', issues: parsed.error.issues })
    return
  }
  const cookies = parseCookie(req.get('cookie') ?? '')
  const todo = createTodo(parsed.data, cookies.sid ?? '')
  res.cookie('last', String(todo.id), LAST_COOKIE).status(201).json(todo)
})

exitOnSignals()
const port = portFromEnv(process.env)
app.listen(port, '127.0.0.1', () => console.log(`express listening on ${port}`))
