/**
 * The realistic route on Gatehouse with its built-in helpers: `app.cors()`, `req.cookies`,
 * `res.cookie()`, the route's `schema` option (zod through Standard Schema) and `app.logger()`
 * (pino, one line per request, `X-Request-Id`). Shared by the load server and the in-process
 * profile (`hot-path.ts`).
 */
import type pino from 'pino'
import { App } from '../../../index.js'
import { LAST_COOKIE, PAGE_ORIGIN, TODO_PATH, Todo, createTodo } from './todo-route.js'

/**
 * @param logger - where the request lines go
 * @returns the App, routes registered
 */
export function gatehouseTodoApp(logger: pino.Logger): App {
  const app = new App()
  app.cors({ origin: [PAGE_ORIGIN], credentials: true })
  app.logger(logger)
  app.post(TODO_PATH, { schema: { body: Todo } }, (req, res) => {
    const todo = createTodo(req.data, req.cookies.sid ?? '')
    res.cookie('last', String(todo.id), LAST_COOKIE).status(201).json(todo)
  })
  return app
}
