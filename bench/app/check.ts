/**
 * Checks, before any measurement, that every server of the realistic-route bench answers the same:
 * for the bench's request, 201 with the CORS fields, `Vary: Origin`, a `Set-Cookie` of
 * `last=<id>; Path=/; HttpOnly; SameSite=Lax`, an `X-Request-Id`, JSON of the created object with
 * the owner read from the `sid` cookie, and the connection kept; for a body that fails validation,
 * 400 with the CORS fields; one log line per request, with its status. Each server runs in a
 * process of its own, as under load. Run by `run.sh`; by hand:
 *
 *   npx tsc -p tsconfig.json --outDir .build/bench
 *   node .build/bench/bench/app/check.js gatehouse fastify hono express
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseResponses, type ParsedResponse } from '../../core/wire/response-parser.js'
import { PAGE_ORIGIN, TODO_BODY, TODO_PATH, todoRequest, todoRequestFields } from './servers/todo-route.js'

const PORT = Number(process.env.PORT ?? 18090)
const HERE = dirname(fileURLToPath(import.meta.url))
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const SET_COOKIE = /^last=\d+; Path=\/; HttpOnly; SameSite=Lax$/
const KEYS = ['done', 'due', 'id', 'notes', 'owner', 'priority', 'tags', 'title']

/** The bench's request, then one whose body fails validation (priority 9), closing the connection. */
function requests(): string {
  const invalid = TODO_BODY.replace('"priority":3', '"priority":9')
  const fields = todoRequestFields(`127.0.0.1:${PORT}`)
    .map(([name, value]) =>
      name === 'Connection'
        ? [name, 'close']
        : name === 'Content-Length'
          ? [name, String(invalid.length)]
          : [name, value],
    )
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('')
  return todoRequest(`127.0.0.1:${PORT}`) + `POST ${TODO_PATH} HTTP/1.1\r\n${fields}\r\n${invalid}`
}

async function started(name: string, logFile: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(HERE, 'servers', `${name}.js`)], {
    env: { ...process.env, PORT: String(PORT), BENCH_LOG_FILE: logFile },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const [chunk] = (await Promise.race([once(child.stdout!, 'data'), once(child, 'exit')])) as [Buffer | number]
  if (!Buffer.isBuffer(chunk)) throw new Error(`${name} exited before listening`)
  return child
}

async function exchange(): Promise<ParsedResponse[]> {
  const socket = connect(PORT, '127.0.0.1')
  await once(socket, 'connect')
  socket.end(requests())
  const chunks: Buffer[] = []
  for await (const chunk of socket) chunks.push(chunk as Buffer)
  return parseResponses(Buffer.concat(chunks), ['POST', 'POST'])
}

/** What must hold of a server's two answers; each failure as a line. */
function problems(created: ParsedResponse | undefined, refused: ParsedResponse | undefined): string[] {
  if (created === undefined || refused === undefined) return ['fewer than two responses']
  const found: string[] = []
  const expect = (ok: boolean, what: string): void => void (ok || found.push(what))
  const all = (res: ParsedResponse, name: string): string[] =>
    res.rawHeaders.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v)
  for (const [label, res, status] of [
    ['created', created, 201],
    ['refused', refused, 400],
  ] as const) {
    expect(res.status === status, `${label}: status ${res.status}, expected ${status}`)
    expect(
      res.headers['access-control-allow-origin'] === PAGE_ORIGIN,
      `${label}: Access-Control-Allow-Origin ${res.headers['access-control-allow-origin']}`,
    )
    expect(
      res.headers['access-control-allow-credentials'] === 'true',
      `${label}: Access-Control-Allow-Credentials ${res.headers['access-control-allow-credentials']}`,
    )
    expect(
      all(res, 'vary').some((v) => /(^|,\s*)origin(\s*,|$)/i.test(v)),
      `${label}: Vary ${all(res, 'vary').join(' | ')}`,
    )
    expect(
      (res.headers['content-type'] ?? '').startsWith('application/json'),
      `${label}: Content-Type ${res.headers['content-type']}`,
    )
  }
  const cookies = all(created, 'set-cookie')
  expect(cookies.length === 1 && SET_COOKIE.test(cookies[0]!), `created: Set-Cookie ${cookies.join(' | ')}`)
  expect(UUID.test(created.headers['x-request-id'] ?? ''), `created: X-Request-Id ${created.headers['x-request-id']}`)
  expect(!/close/i.test(created.headers['connection'] ?? ''), 'created: the connection was not kept')
  const body = JSON.parse(created.body.toString('utf8')) as Record<string, unknown>
  const sent = JSON.parse(TODO_BODY) as Record<string, unknown>
  expect(Object.keys(body).sort().join() === KEYS.join(), `created: body keys ${Object.keys(body).sort().join()}`)
  expect(typeof body.id === 'number' && body.owner === 'u-7f3a9c2e41b8', 'created: id or owner wrong')
  for (const key of Object.keys(sent))
    expect(JSON.stringify(body[key]) === JSON.stringify(sent[key]), `created: ${key} changed`)
  return found
}

/** The statuses the server logged, one line per request (lines without a status, e.g. "listening", left out). */
function loggedStatuses(logFile: string): number[] {
  return readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => (JSON.parse(line) as { status?: number }).status)
    .filter((status) => status !== undefined)
}

const names = process.argv.slice(2)
const logFolder = mkdtempSync(join(tmpdir(), 'gatehouse-app-check-'))
let failed = false
for (const name of names) {
  const logFile = join(logFolder, `${name}.log`)
  const child = await started(name, logFile)
  try {
    const [created, refused] = await exchange()
    const found = problems(created, refused)
    child.kill('SIGTERM')
    await once(child, 'exit')
    const logged = loggedStatuses(logFile)
    if (logged.join() !== '201,400') found.push(`logged ${logged.length} lines, statuses ${logged.join()}`)
    failed ||= found.length > 0
    console.log(`${found.length === 0 ? 'ok  ' : 'FAIL'} ${name}`)
    for (const line of found) console.log(`       ${line}`)
    if (process.env.VERBOSE !== undefined)
      for (const [n, v] of created?.rawHeaders ?? []) console.log(`       ${n}: ${v}`)
  } finally {
    if (child.exitCode === null) {
      child.kill('SIGTERM')
      await once(child, 'exit')
    }
  }
}
rmSync(logFolder, { recursive: true, force: true })
process.exit(failed ? 1 : 0)
