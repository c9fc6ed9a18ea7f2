import cluster, { type Worker } from 'node:cluster'
import { ServerNotListeningError, WorkerCrashLoopError, WorkerExitedError } from '../errors.js'
import { DRAIN, EXIT, isClusterMessage, isReadyMessage, type ReadyMessage } from './cluster-messages.js'
import type { ClusterServer, WorkerInfo, WorkerState } from './cluster-server.js'
import { RestartPolicy, type RestartOptions } from './restart-policy.js'

// A draining worker gets the shutdown deadline to finish, plus this long to exit, before SIGKILL.
const EXIT_GRACE_MS = 2000
const SIGNALS = ['SIGTERM', 'SIGINT'] as const

/** What the primary needs to know to supervise. */
export interface ClusterPrimaryOptions {
  /** How many workers. */
  readonly workers: number
  /** Back-off and crash-loop detection. */
  readonly restart: RestartOptions
  /** How long a draining worker may take (the App's `shutdownTimeoutMs`). */
  readonly shutdownTimeoutMs: number
  /** Receives exits, crash loops and worker errors (the App's error hooks). */
  readonly report: (err: unknown) => void
  /** Extra environment for every worker. */
  readonly env: Readonly<Record<string, string>>
}

interface Slot {
  readonly index: number
  readonly policy: RestartPolicy
  current: Member | undefined
  // What the slot does while it has no current worker.
  idle: 'restarting' | 'stopped'
  timer: NodeJS.Timeout | undefined
  restarts: number
}

interface Member {
  readonly worker: Worker
  readonly slot: Slot
  state: 'starting' | 'listening' | 'draining'
  // Forked by a rolling restart: a failure to start is that call's, not a crash to restart.
  replacing: boolean
  readonly ready: Promise<ReadyMessage>
  readonly exited: Promise<void>
  killTimer: NodeJS.Timeout | undefined
}

/**
 * The primary of a `node:cluster`: forks the workers, restarts one that dies (with back-off, until
 * a crash loop), replaces them one by one on request, and drains them all on close or on
 * SIGTERM / SIGINT. It serves nothing itself; connections are accepted by Node's cluster and
 * handed to the workers.
 */
export class ClusterPrimary implements ClusterServer {
  readonly isPrimary = true
  readonly #options: ClusterPrimaryOptions
  readonly #slots: Slot[]
  readonly #members = new Set<Member>()
  #ports: ReadyMessage | undefined
  #started = false
  #closing: Promise<void> | undefined
  #rolling: Promise<void> = Promise.resolve()
  readonly #onSignal = (): void => {
    void this.close().then(() => process.exit(0))
  }

  /** @param options - worker count, restart policy, deadline and where reports go */
  constructor(options: ClusterPrimaryOptions) {
    this.#options = options
    this.#slots = Array.from({ length: options.workers }, (_, index) => ({
      index,
      policy: new RestartPolicy(options.restart),
      current: undefined,
      idle: 'restarting' as const,
      timer: undefined,
      restarts: 0,
    }))
  }

  /**
   * Forks every worker and resolves once all of them listen.
   * @throws WorkerExitedError when a worker exits before it listens (the others are drained)
   */
  async start(): Promise<void> {
    for (const slot of this.#slots) this.#fork(slot, false)
    for (const signal of SIGNALS) process.on(signal, this.#onSignal)
    try {
      await Promise.all(this.#slots.map((slot) => slot.current!.ready))
    } catch (err) {
      await this.close()
      throw err
    }
    this.#started = true
  }

  get port(): number {
    return this.#listening().port
  }

  get url(): string {
    return this.#listening().url
  }

  get tlsPort(): number | undefined {
    return this.#listening().tlsPort
  }

  get workers(): readonly WorkerInfo[] {
    const infos: WorkerInfo[] = []
    for (const slot of this.#slots) {
      let found = false
      for (const member of this.#members) {
        if (member.slot !== slot) continue
        found = true
        infos.push({
          slot: slot.index,
          id: member.worker.id,
          pid: member.worker.process.pid,
          state: member.state,
          restarts: slot.restarts,
        })
      }
      const state: WorkerState = slot.idle
      if (!found) infos.push({ slot: slot.index, id: undefined, pid: undefined, state, restarts: slot.restarts })
    }
    return infos
  }

  restartWorkers(): Promise<void> {
    if (this.#closing !== undefined) return Promise.resolve()
    const run = this.#rolling.then(() => this.#roll())
    this.#rolling = run.catch(() => undefined)
    return run
  }

  close(): Promise<void> {
    return (this.#closing ??= this.#close())
  }

  async #close(): Promise<void> {
    for (const signal of SIGNALS) process.off(signal, this.#onSignal)
    for (const slot of this.#slots) {
      clearTimeout(slot.timer)
      slot.timer = undefined
      slot.idle = 'stopped'
    }
    for (const member of this.#members) this.#drain(member)
    await Promise.all(Array.from(this.#members, (member) => member.exited))
  }

  /** Replaces each slot's worker: the new one listens before the old one is asked to drain. */
  async #roll(): Promise<void> {
    for (const slot of this.#slots) {
      if (this.#closing !== undefined) return
      clearTimeout(slot.timer)
      slot.timer = undefined
      slot.policy.reset()
      const old = slot.current
      const fresh = this.#fork(slot, true)
      try {
        await fresh.ready
      } catch (err) {
        if (this.#closing !== undefined) return
        // The old worker keeps the slot; if it died meanwhile, the slot restarts as after a crash.
        if (old !== undefined && this.#members.has(old)) slot.current = old
        else this.#restartLater(slot, fresh, null, null)
        throw err
      }
      fresh.replacing = false
      if (old !== undefined) {
        this.#drain(old)
        await old.exited
      }
    }
  }

  #fork(slot: Slot, replacing: boolean): Member {
    const worker = cluster.fork(this.#options.env)
    let resolveReady!: (message: ReadyMessage) => void
    let rejectReady!: (err: Error) => void
    const ready = new Promise<ReadyMessage>((resolve, reject) => {
      resolveReady = resolve
      rejectReady = reject
    })
    // Awaited by start() and restartWorkers(); a replacement after a crash is awaited by no one.
    ready.catch(() => undefined)
    let resolveExited!: () => void
    const exited = new Promise<void>((resolve) => (resolveExited = resolve))
    const member: Member = { worker, slot, state: 'starting', replacing, ready, exited, killTimer: undefined }
    this.#members.add(member)
    slot.current = member
    worker.on('message', (message: unknown) => {
      if (isClusterMessage(message, 'drained')) worker.send(EXIT, () => undefined)
      if (!isReadyMessage(message) || member.state !== 'starting') return
      member.state = 'listening'
      this.#ports ??= message
      resolveReady(message)
    })
    worker.on('error', (err: Error) => this.#options.report(err))
    worker.on('exit', (code: number | null, signal: string | null) => {
      clearTimeout(member.killTimer)
      this.#members.delete(member)
      const wasStarting = member.state === 'starting'
      const expected = member.state === 'draining' || this.#closing !== undefined || worker.exitedAfterDisconnect
      resolveExited()
      if (wasStarting) rejectReady(new WorkerExitedError(worker.id, worker.process.pid, code, signal, undefined))
      if (expected || slot.current !== member) return
      slot.current = undefined
      // Before start-up ends, start() fails instead; a failed replacement is restartWorkers()'s to report.
      if (!this.#started || (member.replacing && wasStarting)) return
      this.#restartLater(slot, member, code, signal)
    })
    return member
  }

  #restartLater(slot: Slot, member: Member, code: number | null, signal: string | null): void {
    const { worker } = member
    const decision = slot.policy.exited(Date.now())
    if (!decision.restart) {
      slot.idle = 'stopped'
      this.#options.report(new WorkerExitedError(worker.id, worker.process.pid, code, signal, undefined))
      this.#options.report(
        new WorkerCrashLoopError(slot.index, decision.exits, this.#options.restart.crashLoopWindowMs),
      )
      return
    }
    slot.idle = 'restarting'
    this.#options.report(new WorkerExitedError(worker.id, worker.process.pid, code, signal, decision.delayMs))
    slot.timer = setTimeout(() => {
      slot.timer = undefined
      slot.restarts++
      this.#fork(slot, false)
    }, decision.delayMs)
  }

  #drain(member: Member): void {
    if (member.state === 'draining') return
    member.state = 'draining'
    const { worker } = member
    // A worker that cannot hear the request (its channel is gone) is stopped by signal instead.
    if (worker.isConnected()) worker.send(DRAIN, (err: Error | null) => err && worker.process.kill('SIGTERM'))
    else worker.process.kill('SIGTERM')
    member.killTimer = setTimeout(() => worker.process.kill('SIGKILL'), this.#options.shutdownTimeoutMs + EXIT_GRACE_MS)
  }

  #listening(): ReadyMessage {
    if (this.#ports === undefined) throw new ServerNotListeningError()
    return this.#ports
  }
}
