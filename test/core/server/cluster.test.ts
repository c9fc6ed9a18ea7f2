import { expect } from 'chai'
import { App } from '../../../core/app/app.js'
import { InvalidConfigError, UnknownConfigKeyError } from '../../../core/errors.js'
import { ClusterFixture, openStream } from '../../helpers/cluster-fixture.js'
import type { ClusterListenOptions } from '../../../core/server/cluster-server.js'

const pidOf = (body: string): number => (JSON.parse(body) as { pid: number }).pid

describe('app.listen({ workers }) with node:cluster', function () {
  this.timeout(30_000)
  let cluster: ClusterFixture | undefined

  afterEach(async () => {
    await cluster?.kill()
    cluster = undefined
  })

  it('forks the workers, which share one port; the primary only supervises', async () => {
    cluster = await ClusterFixture.start({ workers: 2, shutdownTimeoutMs: 2000 })
    const workers = await cluster.workers()
    expect(workers.map((w) => [w.slot, w.state, w.restarts])).to.deep.equal([
      [0, 'listening', 0],
      [1, 'listening', 0],
    ])
    const pids = new Set(workers.map((w) => w.pid))
    expect(pids.has(cluster.primary.pid)).to.equal(false)
    const served = new Set<number>()
    for (let i = 0; i < 6; i++) {
      const res = await cluster.get('/pid')
      expect(res.status).to.equal(200)
      served.add(pidOf(res.body))
    }
    expect([...served].sort()).to.deep.equal([...pids].sort())
  })

  it('drains every worker on close(): a request in flight finishes, then every worker exits', async () => {
    cluster = await ClusterFixture.start({ workers: 2, shutdownTimeoutMs: 5000 })
    const inFlight = await openStream(cluster.port, '/probe/300')
    const closed = cluster.close()
    expect(await inFlight.rest).to.equal('done')
    expect((await closed).map((w) => [w.id, w.state])).to.deep.equal([
      [undefined, 'stopped'],
      [undefined, 'stopped'],
    ])
    expect(cluster.reports).to.deep.equal([])
  })

  it('cuts a request short at the shutdown deadline and still exits', async () => {
    cluster = await ClusterFixture.start({ workers: 1, shutdownTimeoutMs: 200 })
    const stalled = await openStream(cluster.port, '/stall')
    const closed = cluster.close()
    const cut = await stalled.rest.then(
      () => 'ended',
      (err: Error) => err.message,
    )
    expect(cut).to.equal('aborted')
    expect((await closed).map((w) => w.state)).to.deep.equal(['stopped'])
  })

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`drains the workers on ${signal} to the primary, then the primary exits with code 0`, async () => {
      cluster = await ClusterFixture.start({ workers: 2, shutdownTimeoutMs: 5000 })
      const inFlight = await openStream(cluster.port, '/probe/300')
      cluster.primary.kill(signal)
      expect(await inFlight.rest).to.equal('done')
      expect(await cluster.exited).to.equal(0)
    })
  }

  it('reports a worker killed with SIGKILL mid-request and replaces it; the other worker keeps serving', async () => {
    cluster = await ClusterFixture.start({ workers: 2, shutdownTimeoutMs: 2000, restart: { minDelayMs: 50 } })
    const before = await cluster.workers()
    const stalled = await openStream(cluster.port, '/stall')
    const victim = Number(stalled.first.trim())
    const victimInfo = before.find((w) => w.pid === victim)!
    process.kill(victim, 'SIGKILL')
    expect(
      await stalled.rest.then(
        () => 'ended',
        (err: Error) => err.message,
      ),
    ).to.equal('aborted')
    const report = await cluster.report('ERR_WORKER_EXITED')
    expect(report.message).to.equal(
      `worker ${victimInfo.id} (pid ${victim}) exited unexpectedly on SIGKILL; restarting in 50 ms`,
    )
    const survivor = before.find((w) => w.pid !== victim)!
    const after = await cluster.workersWhen((ws) => ws.every((w) => w.state === 'listening'))
    const replaced = after.find((w) => w.slot === victimInfo.slot)!
    expect(replaced.pid).to.not.equal(victim)
    expect(replaced.restarts).to.equal(1)
    expect(after.find((w) => w.slot === survivor.slot)!.pid).to.equal(survivor.pid)
    const served = new Set<number>()
    for (let i = 0; i < 4; i++) served.add(pidOf((await cluster.get('/pid')).body))
    expect([...served].sort()).to.deep.equal([replaced.pid, survivor.pid].sort())
  })

  it('stops restarting a worker slot in a crash loop and says so', async () => {
    cluster = await ClusterFixture.start({
      workers: 1,
      shutdownTimeoutMs: 2000,
      restart: { minDelayMs: 10, crashLoopExits: 3 },
    })
    for (let exit = 1; exit <= 3; exit++) {
      await cluster.workersWhen((ws) => ws[0]!.state === 'listening')
      await cluster.get('/exit').catch(() => undefined)
      await cluster.next('report', (r: { code?: string }) => r.code === 'ERR_WORKER_EXITED')
    }
    const loop = await cluster.report('ERR_WORKER_CRASH_LOOP')
    expect(loop.message).to.equal(
      'worker slot 0 exited 3 times within 60000 ms: a crash loop; it is no longer restarted',
    )
    expect(cluster.reports.map((r) => r.message.replace(/worker \d+ \(pid \d+\)/, 'worker'))).to.deep.equal([
      'worker exited unexpectedly with code 3; restarting in 10 ms',
      'worker exited unexpectedly with code 3; restarting in 20 ms',
      'worker exited unexpectedly with code 3; not restarted',
      loop.message,
    ])
    expect((await cluster.workers()).map((w) => [w.id, w.state, w.restarts])).to.deep.equal([[undefined, 'stopped', 2]])
  })

  it('starts each replacement before draining the worker it replaces on restartWorkers(), so even a single worker refuses no request', async function () {
    this.timeout(60_000)
    const started = (cluster = await ClusterFixture.start({ workers: 1, shutdownTimeoutMs: 2000 }))
    const old = new Set((await cluster.workers()).map((w) => w.pid))
    let restarting = true
    const outcomes: string[] = []
    const load = async (): Promise<void> => {
      while (restarting) {
        outcomes.push(
          await started.get('/slow/20').then(
            (res) => String(res.status),
            (err: Error) => err.message,
          ),
        )
      }
    }
    const loops = [load(), load()]
    cluster.command('restart')
    const restarted = await cluster.next<{ pid: number; state: string }[]>('restarted')
    restarting = false
    await Promise.all(loops)
    expect(restarted.map((w) => w.state)).to.deep.equal(['listening'])
    expect(restarted.filter((w) => old.has(w.pid))).to.deep.equal([])
    expect(outcomes.length).to.be.greaterThan(0)
    expect(outcomes.filter((o) => o !== '200')).to.deep.equal([])
    expect(cluster.reports).to.deep.equal([])
  })

  it('rejects listen() with ERR_WORKER_EXITED when a worker exits before it listens', async () => {
    const err = await ClusterFixture.start({ workers: 2, shutdownTimeoutMs: 2000, failStart: true }).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(err).to.have.property('code', 'ERR_WORKER_EXITED')
    expect((err as Error).message).to.match(/^worker \d+ \(pid \d+\) exited unexpectedly with code 4; not restarted$/)
  })

  it('refuses a bad workers or restart value before forking, naming it', async () => {
    const app = new App()
    const bad = async (options: ClusterListenOptions): Promise<unknown> =>
      app.listen(options).then(
        () => undefined,
        (e: unknown) => e,
      )
    expect(await bad({ port: 0, workers: 0 }))
      .to.be.instanceOf(InvalidConfigError)
      .with.property('key', 'workers')
    expect(await bad({ port: 0, workers: 1.5 }))
      .to.be.instanceOf(InvalidConfigError)
      .with.property('key', 'workers')
    expect(await bad({ port: 0, workers: 1, restart: { minDelayMs: -1 } }))
      .to.be.instanceOf(InvalidConfigError)
      .with.property('key', 'restart.minDelayMs')
    expect(await bad({ port: 0, workers: 1, restart: { crashLoopExits: 0 } }))
      .to.be.instanceOf(InvalidConfigError)
      .with.property('key', 'restart.crashLoopExits')
    expect(await bad({ port: 0, workers: 1, restart: { delay: 1 } as never }))
      .to.be.instanceOf(UnknownConfigKeyError)
      .with.property('key', 'restart.delay')
  })
})
