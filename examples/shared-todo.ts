/**
 * A shared to-do list: each browser page has a client session whose data is its view model
 * (`{ todos }`), kept in step by JSON Patch over a WebSocket. What one page adds is patched into
 * every other page's session by a scheduled task, and pushed to their sockets, without a reload.
 *
 *     npm run build && node dist/examples/shared-todo.js     # then open http://localhost:8080 twice
 */
import { pathToFileURL } from 'node:url'
import type { Operation } from 'rfc6902'
import { App } from '../core/app/app.js'
import type { ClientSession } from '../sessions/client-session.js'

interface Todo {
  [key: string]: string
  text: string
}
interface TodoView {
  todos: Todo[]
}

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Shared to-do</title></head>
<body>
<h1>Shared to-do</h1>
<form id="add"><input id="text" autocomplete="off" placeholder="Something to do"><button>Add</button></form>
<ul id="todos"></ul>
<script>
  let view = { todos: [] }
  let socket
  // The few JSON Patch operations the server sends: enough of RFC 6902 for this page.
  function apply(doc, ops) {
    for (const op of ops) {
      if (op.path === '') { doc = op.value; continue }
      const keys = op.path.slice(1).split('/').map((k) => k.replaceAll('~1', '/').replaceAll('~0', '~'))
      const last = keys.pop()
      const parent = keys.reduce((node, key) => node[key], doc)
      if (op.op === 'remove') Array.isArray(parent) ? parent.splice(Number(last), 1) : delete parent[last]
      else if (Array.isArray(parent) && op.op === 'add') parent.splice(last === '-' ? parent.length : Number(last), 0, op.value)
      else parent[last] = op.value
    }
    return doc
  }
  function render() {
    const list = document.getElementById('todos')
    list.replaceChildren(...view.todos.map((todo) => Object.assign(document.createElement('li'), { textContent: todo.text })))
  }
  document.getElementById('add').addEventListener('submit', (event) => {
    event.preventDefault()
    const input = document.getElementById('text')
    if (input.value === '') return
    const patch = [{ op: 'add', path: '/todos/-', value: { text: input.value } }]
    view = apply(view, patch)
    render()
    socket.send(JSON.stringify(patch))
    input.value = ''
  })
  fetch('/join', { method: 'POST' }).then(() => {
    socket = new WebSocket(location.origin.replace(/^http/, 'ws') + '/live')
    socket.onmessage = (message) => {
      view = apply(view, JSON.parse(message.data))
      render()
    }
    socket.onopen = () => document.body.dataset.ready = 'true'
  })
</script>
</body></html>`

/**
 * Builds the to-do app: `GET /` the page, `POST /join` a session for it, `/live` its WebSocket.
 * @returns the App, not yet listening
 */
export function createTodoApp(): App {
  const app = new App()
  // The group: every page's session. Each starts from the list as it is and hears every addition.
  const group = new Set<ClientSession>()
  const shared: Todo[] = []

  app.get('/', (_req, res) => res.header('Content-Type', 'text/html; charset=utf-8').send(PAGE))
  app.post('/join', (req) => {
    if (req.session?.isAlive() === true) return { joined: true }
    const session = app.sessions.create(req, { data: { todos: shared.map((todo) => ({ ...todo })) }, useCookie: true })
    group.add(session)
    session.onDestroy(() => void group.delete(session))
    return { joined: true }
  })
  app.ws('/live', (ws, req) => {
    const session = req.session
    if (session === undefined) return ws.close(4001, 'join first')
    ws.on('message', (message) => {
      void app.sessions.receivePatch(session, String(message), ws).then((refused) => {
        if (refused !== undefined) ws.send(JSON.stringify(refused))
      })
    })
  })
  // A page's own additions reach the others: a task on each other session, pushed when it ends.
  app.sessions.onPatch((session, patch: readonly Operation[]) => {
    for (const op of patch) {
      if (op.op !== 'add' || op.path !== '/todos/-') continue
      const todo = op.value as Todo
      shared.push(todo)
      const others = [...group].filter((other) => other !== session)
      void app.sessions.schedule(others, (other) => void (other.data as unknown as TodoView).todos.push(todo))
    }
  })
  return app
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const server = await createTodoApp().listen({
    port: Number(process.env.PORT ?? 8080),
    host: process.env.HOST ?? 'localhost',
  })
  console.log(`shared to-do on ${server.url}`)
}
