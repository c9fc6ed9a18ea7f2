import { expect } from 'chai'
import http from 'node:http'
import { fileURLToPath } from 'node:url'
import { createClient, type RedisClientType } from 'redis'
import { ClusterFixture } from '../../helpers/cluster-fixture.js'
import { HAS_REDIS_SERVER, RedisServer } from '../../helpers/redis-server.js'
import type { ClusterSessionsAppOptions } from '../../fixtures/cluster-sessions-app.js'

const FIXTURE = fileURLToPath(new URL('../../fixtures/cluster-sessions-app.js', import.meta.url))
const LEASE_MS = 1000

interface Answer {
  readonly status: number
  readonly headers: http.IncomingHttpHeaders
  readonly body: string
}

/**
 * One keep-alive connection, which `node:cluster` hands to one worker for its whole life: a test
 * asks `GET /pid` on it to learn which worker it reached, then sends its request on it.
 */
class WorkerConnection {
  readonly #agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  pid = 0

  constructor(readonly port: number) {}

  /**
   * A connection to a worker other than those in `not`: new connections until one lands elsewhere
   * (the primary deals them round-robin), at most 20.
   */
  static async other(port: number, ...not: number[]): Promise<WorkerConnection> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const connection = new WorkerConnection(port)
      connection.pid = (JSON.parse((await connection.send('GET', '/pid')).body) as { pid: number }).pid
      if (!not.includes(connection.pid)) return connection
      connection.close()
    }
    throw new Error(`no worker other than ${not.join(', ')} answered in 20 connections`)
  }

  send(method: string, path: string, headers: http.OutgoingHttpHeaders = {}, body = ''): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port: this.port, method, path, headers, agent: this.#agent },
        (res) => {
          let text = ''
          res.setEncoding('utf8')
          res.on('data', (chunk: string) => (text += chunk))
          res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }))
          res.on('error', reject)
        },
      )
      req.on('error', reject)
      req.end(body)
    })
  }

  /** Sends a request whose response never ends; resolves with its first chunk. */
  open(path: string, headers: http.OutgoingHttpHeaders): Promise<string> {
    return new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: this.port, path, headers, agent: this.#agent }, (res) => {
        res.setEncoding('utf8')
        res.once('data', (chunk: string) => resolve(chunk))
        res.on('error', () => undefined)
      })
      req.on('error', (err) => (err.message === 'socket hang up' ? undefined : reject(err)))
      req.end()
    })
  }

  close(): void {
    this.#agent.destroy()
  }
}

const json = (answer: Answer): Record<string, unknown> => JSON.parse(answer.body) as Record<string, unknown>

if (HAS_REDIS_SERVER) {
  describe('client sessions in Redis across real worker processes', function () {
    this.timeout(20_000)
    let redis: RedisServer
    let admin: RedisClientType
    let cluster: ClusterFixture
    const connections: WorkerConnection[] = []

    const other = async (...not: number[]): Promise<WorkerConnection> => {
      const connection = await WorkerConnection.other(cluster.port, ...not)
      connections.push(connection)
      return connection
    }

    /** Logs in through some worker: the session's cookie, id and the worker's pid. */
    async function login(): Promise<{ cookie: string; id: string; pid: number }> {
      const answer = await (await other()).send('POST', '/login')
      const { id, pid } = json(answer) as { id: string; pid: number }
      return { cookie: answer.headers['set-cookie']![0]!.split(';')[0]!, id, pid }
    }

    async function destroyedRuns(id: string): Promise<string[]> {
      const all = (await admin.sendCommand(['LRANGE', 'test:destroyed', '0', '-1'])) as string[]
      return all.filter((entry) => entry.startsWith(`${id} `))
    }

    before(async () => {
      redis = await RedisServer.start()
      admin = createClient({ url: redis.url }) as RedisClientType
      admin.on('error', () => undefined)
      await admin.connect()
      const options: ClusterSessionsAppOptions = {
        workers: 3,
        shutdownTimeoutMs: 1000,
        redisUrl: redis.url,
        leaseMs: LEASE_MS,
      }
      cluster = await ClusterFixture.start(options, FIXTURE)
    })
    after(async () => {
      for (const connection of connections) connection.close()
      await cluster?.kill()
      // Not quit(): after the outage spec's reconnection it may wait on a reply that never comes.
      admin?.destroy()
      await redis?.stop()
    })

    it('uses, patches, schedules on and destroys through other workers a session created through one', async () => {
      const { cookie, id, pid: created } = await login()

      const reader = await other(created)
      const read = await reader.send('GET', '/session', { cookie })
      expect([read.status, json(read)]).to.deep.equal([200, { pid: reader.pid, data: { n: 0 } }])

      const patcher = await other(reader.pid)
      const patched = await patcher.send(
        'PATCH',
        `/__session/${id}`,
        // v2: the login's save added the destroy callback's name.
        { 'content-type': 'application/json-patch+json', 'if-match': '"v2"' },
        '[{"op":"replace","path":"/n","value":5}]',
      )
      expect([patched.status, patched.headers.etag, patched.body]).to.deep.equal([200, '"v3"', '[]'])

      const scheduler = await other(patcher.pid)
      const scheduled = await scheduler.send('POST', `/schedule?sid=${id}&by=10`)
      expect(json(scheduled)).to.deep.equal({ pid: scheduler.pid, status: 'done' })

      const checker = await other(scheduler.pid)
      expect(json(await checker.send('GET', '/session', { cookie }))).to.deep.equal({
        pid: checker.pid,
        data: { n: 15 },
      })

      const destroyer = await other(checker.pid)
      expect((await destroyer.send('POST', '/destroy', { cookie })).status).to.equal(200)
      expect(await destroyedRuns(id)).to.deep.equal([`${id} ${destroyer.pid}`])

      for (const pid of [destroyer.pid, checker.pid]) {
        const after = await (await other(pid)).send('GET', '/session', { cookie })
        expect([after.status, (json(after) as { message: string }).message]).to.deep.equal([404, 'No session'])
      }
      expect(cluster.reports).to.deep.equal([])
    })

    it('frees a session whose worker was killed mid-request once its lease runs out; its change is not written', async () => {
      const { cookie, id } = await login()
      const holder = await other()
      const first = await holder.open('/hold', { cookie })
      expect(Number(first)).to.equal(holder.pid)
      process.kill(holder.pid, 'SIGKILL')

      const next = await other(holder.pid)
      const read = await next.send('GET', '/session', { cookie })
      expect([read.status, json(read)]).to.deep.equal([200, { pid: next.pid, data: { n: 0 } }])

      expect((await next.send('POST', '/destroy', { cookie })).status).to.equal(200)
      expect(await destroyedRuns(id)).to.deep.equal([`${id} ${next.pid}`])
      // The primary replaces the killed worker.
      await cluster.workersWhen((workers) => workers.every((w) => w.state === 'listening' && w.pid !== holder.pid))
    })

    it('answers 503 for requests that need a session while Redis is down, serves the rest, and recovers', async () => {
      const { cookie } = await login()
      const connection = await other()
      await redis.kill()
      try {
        expect((await connection.send('GET', '/pid')).status).to.equal(200)
        const started = Date.now()
        const refused = await connection.send('GET', '/session', { cookie })
        expect([refused.status, refused.body]).to.deep.equal([503, '{"message":"Session store unavailable"}'])
        // Bounded by the store's command timeout (500 ms here), not a hang.
        expect(Date.now() - started).to.be.below(5000)
      } finally {
        await redis.restart()
      }
      for (let attempt = 0; ; attempt++) {
        const answer = await connection.send('GET', '/session', { cookie })
        if (answer.status === 200) {
          expect((json(answer) as { data: unknown }).data).to.deep.equal({ n: 0 })
          break
        }
        expect(answer.status).to.equal(503)
        expect(attempt).to.be.below(50)
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    })
  })
}
