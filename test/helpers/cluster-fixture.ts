import { fork, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import http from 'node:http'
import type { ClusterAppOptions, ClusterCommand } from '../fixtures/cluster-app.js'
import type { WorkerInfo } from '../../index.js'

const FIXTURE = fileURLToPath(new URL('../fixtures/cluster-app.js', import.meta.url))

/** What the fixture's primary reported to its error hook. */
export interface Report {
  readonly code: string | undefined
  readonly message: string
}

/** A response read whole. */
export interface FetchedResponse {
  readonly status: number
  readonly headers: http.IncomingHttpHeaders
  readonly body: string
}

type Message = Record<string, unknown>

/**
 * A cluster of real worker processes on a loopback port: the fixture module run as a primary,
 * driven over IPC.
 *
 * @example
 * ```ts
 * const cluster = await ClusterFixture.start({ workers: 2, shutdownTimeoutMs: 2000 })
 * const res = await cluster.get('/pid')
 * await cluster.close()
 * ```
 */
export class ClusterFixture {
  /** The primary process. */
  readonly primary: ChildProcess
  /** The port the workers share. */
  readonly port: number
  /** Everything the primary's error hook received, in order. */
  readonly reports: Report[] = []
  readonly #messages: Message[] = []
  #waiters: { test: (m: Message) => boolean; resolve: (m: Message) => void }[] = []
  /** Resolves with the primary's exit code once it has exited. */
  readonly exited: Promise<number | null>

  private constructor(primary: ChildProcess, port: number, early: Message[]) {
    this.primary = primary
    this.port = port
    this.exited = new Promise((resolve) => primary.once('exit', (code) => resolve(code)))
    for (const message of early) this.#receive(message)
    primary.on('message', (message: Message) => this.#receive(message))
  }

  /**
   * Forks the fixture as a primary and waits until all its workers listen.
   * @param options - workers, deadline, restart policy (and what another fixture module reads)
   * @param fixture - the module to run, `test/fixtures/cluster-app.js` unless another is named
   * @returns the fixture, or the primary's start failure as `{ startFailed }`
   */
  static async start(options: ClusterAppOptions, fixture = FIXTURE): Promise<ClusterFixture> {
    const primary = fork(fixture, [], {
      env: { ...process.env, GATEHOUSE_CLUSTER_TEST: JSON.stringify(options) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    const early: Message[] = []
    const [ready] = await new Promise<[Message]>((resolve, reject) => {
      const onMessage = (message: Message): void => {
        if ('ready' in message) {
          primary.off('message', onMessage)
          resolve([message])
        } else if ('startFailed' in message) {
          primary.off('message', onMessage)
          reject(Object.assign(new Error(String((message.startFailed as Report).message)), message.startFailed))
        } else early.push(message)
      }
      primary.on('message', onMessage)
      primary.once('exit', (code) => reject(new Error(`the primary exited with ${code} before it was ready`)))
    })
    return new ClusterFixture(primary, (ready.ready as { port: number }).port, early)
  }

  /**
   * Waits for a message from the primary.
   * @param key - the message's key, e.g. `workers`
   * @param test - an extra condition on it
   * @returns the message's value
   */
  async next<T>(key: string, test: (value: T) => boolean = () => true): Promise<T> {
    const matches = (m: Message): boolean => key in m && test(m[key] as T)
    const found = this.#messages.findIndex(matches)
    if (found >= 0) return this.#messages.splice(found, 1)[0]![key] as T
    const message = await new Promise<Message>((resolve) => this.#waiters.push({ test: matches, resolve }))
    return message[key] as T
  }

  /**
   * Waits until the primary has reported an error with this code.
   * @param code - e.g. `ERR_WORKER_EXITED`
   * @returns the report
   */
  report(code: string): Promise<Report> {
    return this.next<Report>('report', (r) => r.code === code)
  }

  /**
   * Sends a command to the primary.
   * @param command - what to do
   */
  command(command: ClusterCommand): void {
    this.primary.send(command)
  }

  /** @returns the workers as the primary sees them now */
  async workers(): Promise<WorkerInfo[]> {
    this.command('workers')
    return this.next<WorkerInfo[]>('workers')
  }

  /**
   * Asks the primary for its workers until `test` holds.
   * @param test - a condition on the list
   * @returns the list that met it
   */
  async workersWhen(test: (workers: WorkerInfo[]) => boolean): Promise<WorkerInfo[]> {
    for (;;) {
      const workers = await this.workers()
      if (test(workers)) return workers
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }

  /**
   * One request on a new connection.
   * @param path - the target
   * @returns the whole response
   */
  get(path: string): Promise<FetchedResponse> {
    return fetchOnce(this.port, path)
  }

  /** Closes the cluster through the primary and waits for it to answer. */
  async close(): Promise<WorkerInfo[]> {
    this.command('close')
    return this.next<WorkerInfo[]>('closed')
  }

  /** Kills the primary and its workers, whatever state they are in (for `after` hooks). */
  async kill(): Promise<void> {
    if (this.primary.exitCode !== null || this.primary.signalCode !== null) return
    const workers = await Promise.race([
      this.workers(),
      new Promise<WorkerInfo[]>((resolve) => setTimeout(() => resolve([]), 500)),
    ])
    for (const worker of workers) if (worker.pid !== undefined) killQuietly(worker.pid)
    this.primary.kill('SIGKILL')
    await once(this.primary, 'exit').catch(() => undefined)
  }

  #receive(message: Message): void {
    if ('report' in message) this.reports.push(message.report as Report)
    const waiter = this.#waiters.find((w) => w.test(message))
    if (waiter === undefined) this.#messages.push(message)
    else {
      this.#waiters = this.#waiters.filter((w) => w !== waiter)
      waiter.resolve(message)
    }
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL')
  } catch {
    // Already gone.
  }
}

/**
 * One GET on a new connection (`Connection: close`).
 * @param port - the server's port on 127.0.0.1
 * @param path - the target
 * @returns the whole response
 */
export function fetchOnce(port: number, path: string): Promise<FetchedResponse> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }))
      res.on('error', reject)
    })
    req.on('error', reject)
  })
}

/** A streamed response whose first chunk has arrived. */
export interface OpenResponse {
  /** The first chunk. */
  readonly first: string
  /** The rest of the body, or the error that cut it short. */
  readonly rest: Promise<string>
}

/**
 * A GET whose response is streamed: resolves at its first chunk, so a test knows the request is
 * in a worker's hands.
 * @param port - the server's port on 127.0.0.1
 * @param path - the target
 * @returns the first chunk and a promise of the rest
 */
export function openStream(port: number, path: string): Promise<OpenResponse> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      res.setEncoding('utf8')
      let rest = ''
      const ended = new Promise<string>((resolveRest, rejectRest) => {
        res.on('end', () => resolveRest(rest))
        res.on('error', rejectRest)
        res.on('aborted', () => rejectRest(new Error('aborted')))
      })
      ended.catch(() => undefined)
      res.once('data', (first: string) => {
        res.on('data', (chunk: string) => (rest += chunk))
        resolve({ first, rest: ended })
      })
    })
    req.on('error', reject)
  })
}
