/**
 * The realistic route on Fastify, the idiomatic way:
 * `@fastify/cors`, `@fastify/cookie`, JSON Schema for the body (Ajv) and the 201 (its serializer),
 * and its own pino logger. Fastify logs two lines per request by default (incoming, completed);
 * to log one, as the other servers do, its request logging is off and an `onResponse` hook writes
 * the line through `request.log`. The request id is kept from `X-Request-Id` or generated (a
 * UUID) and sent back, as Gatehouse's logger does.
 */
import { randomUUID } from 'node:crypto'
import Fastify, { LogController, type FastifyInstance } from 'fastify'
import cors from '@fastify/cors'
import cookie from '@fastify/cookie'
import type pino from 'pino'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import {
  CREATED_JSON_SCHEMA,
  LAST_COOKIE,
  PAGE_ORIGIN,
  TODO_JSON_SCHEMA,
  TODO_PATH,
  createTodo,
  type TodoInput,
} from './todo-route.js'

const ID = /^[A-Za-z0-9._:@+=/-]{1,128}$/

/**
 * @param logger - where the request lines go
 * @returns the Fastify instance, plugins registered and ready
 */
export async function fastifyTodoApp(
  logger: pino.Logger,
): Promise<FastifyInstance<Server, IncomingMessage, ServerResponse, pino.Logger>> {
  const app = Fastify({
    loggerInstance: logger,
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: (req) => {
      const given = req.headers['x-request-id']
      return typeof given === 'string' && ID.test(given) ? given : randomUUID()
    },
  })
  await app.register(cors, { origin: [PAGE_ORIGIN], credentials: true })
  await app.register(cookie)
  app.addHook('onResponse', (request, reply, done) => {
    request.log.info(
      { method: request.method, path: request.url, status: reply.statusCode, durationMs: reply.elapsedTime },
      'request',
    )
    done()
  })
  app.post<{ Body: TodoInput }>(
    TODO_PATH,
    { schema: { body: TODO_JSON_SCHEMA, response: { 201: CREATED_JSON_SCHEMA } } },
    async (request, reply) => {
      const todo = createTodo(request.body, request.cookies.sid ?? '')
      reply.header('X-Request-Id', request.id).setCookie('last', String(todo.id), LAST_COOKIE).code(201)
      return todo
    },
  )
  await app.ready()
  return app
}
