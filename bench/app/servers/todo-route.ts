/**
 * The realistic route every server of this bench answers, defined once: a browser-like
 * `POST /api/todos` (ten request fields, three cookies, a 300-byte JSON body) answered with CORS
 * headers for the page's origin, one cookie read (`sid`, the owner), the body validated, one log
 * line, and 201 with the created object and a `Set-Cookie`. The servers differ only in how they
 * get there: each with its own framework's helpers.
 */
import pino from 'pino'
import { z } from 'zod'

/** The page's origin: the one origin CORS allows, with credentials. */
export const PAGE_ORIGIN = 'http://app.example'

/** The route's path. */
export const TODO_PATH = '/api/todos'

/** The request body, 300 bytes of JSON. */
export const TODO_BODY = JSON.stringify({
  title: 'Buy groceries for the week',
  notes:
    'Milk, eggs, bread, cheese, apples, bananas, coffee beans, olive oil, pasta, tomatoes, ' +
    'and something for dinner on Friday when the guests come over; ask Sam about the wine',
  priority: 3,
  tags: ['home', 'errand', 'weekly'],
  due: '2026-12-24',
  done: false,
})

/** The request's fields after the request line, as a browser's `fetch` sends them (Host comes first). */
export function todoRequestFields(hostPort: string): [string, string][] {
  return [
    ['Host', hostPort],
    ['User-Agent', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36'],
    ['Accept', 'application/json, text/plain, */*'],
    ['Accept-Language', 'en-US,en;q=0.9'],
    ['Accept-Encoding', 'gzip, deflate, br'],
    ['Content-Type', 'application/json'],
    ['Origin', PAGE_ORIGIN],
    ['Referer', `${PAGE_ORIGIN}/todos`],
    ['Cookie', 'sid=u-7f3a9c2e41b8; theme=dark; csrf=3b9e1f0c7a5d4e2f'],
    ['Connection', 'keep-alive'],
    ['Content-Length', String(Buffer.byteLength(TODO_BODY))],
  ]
}

/** The whole request, as bytes on the wire. */
export function todoRequest(hostPort: string): string {
  const fields = todoRequestFields(hostPort)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('')
  return `POST ${TODO_PATH} HTTP/1.1\r\n${fields}\r\n${TODO_BODY}`
}

/** The body's validator for Gatehouse (Standard Schema), Hono and Express. */
export const Todo = z.object({
  title: z.string().min(1).max(200),
  notes: z.string().max(2000),
  priority: z.number().int().min(1).max(5),
  tags: z.array(z.string().max(32)).max(10),
  due: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  done: z.boolean(),
})

/** A validated body. */
export type TodoInput = z.infer<typeof Todo>

/** The same validator as JSON Schema, for Fastify (Ajv compiles it). */
export const TODO_JSON_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['title', 'notes', 'priority', 'tags', 'due', 'done'],
  properties: {
    title: { type: 'string', minLength: 1, maxLength: 200 },
    notes: { type: 'string', maxLength: 2000 },
    priority: { type: 'integer', minimum: 1, maximum: 5 },
    tags: { type: 'array', maxItems: 10, items: { type: 'string', maxLength: 32 } },
    due: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
    done: { type: 'boolean' },
  },
} as const

/** The 201 body as JSON Schema, for Fastify's serializer. */
export const CREATED_JSON_SCHEMA = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    owner: { type: 'string' },
    ...TODO_JSON_SCHEMA.properties,
  },
} as const

/** What every server answers: the created object. */
export interface CreatedTodo extends TodoInput {
  readonly id: number
  readonly owner: string
}

let nextId = 0

/**
 * Creates the to-do (in memory, nothing kept: the bench measures the server, not a store).
 * @param input - the validated body
 * @param owner - the `sid` cookie
 * @returns the created object
 */
export function createTodo(input: TodoInput, owner: string): CreatedTodo {
  return { id: ++nextId, owner, ...input }
}

/** Attributes of the `Set-Cookie` every server sends: `last=<id>; Path=/; HttpOnly; SameSite=Lax`. */
export const LAST_COOKIE = { path: '/', httpOnly: true, sameSite: 'lax' } as const

/**
 * The one pino logger each server logs its line to: `/dev/null` (or `$BENCH_LOG_FILE`, which the
 * check reads to count the lines), through pino's own asynchronous destination, as production
 * would write to a file or a pipe.
 * @returns the logger
 */
export function devNullLogger(): pino.Logger {
  return pino(pino.destination({ dest: process.env.BENCH_LOG_FILE ?? '/dev/null', sync: false }))
}
