import type { Transport } from '../transports/transport.js'
import { OutputQueue } from './output-queue.js'
import { writeAll } from './write-all.js'

const RESOLVED_TRUE = Promise.resolve(true)
const RESOLVED_FALSE = Promise.resolve(false)

/** How a SessionOutput tells its Session about writes. @internal */
export interface OutputEvents {
  /** A write is starting (arm the write timeout). @returns a token handed back to `written` */
  writing(): number
  /** The writes of one flush are done. @param token - what `writing` returned */
  written(token: number): void
  /** A write accepted nothing or failed; the connection is over. @param err - the failure, if any */
  failed(err: unknown): void
}

/**
 * The response bytes of one connection on their way out: queued, then written in order by one
 * flush at a time. Callers that flush while a flush runs share it, and it runs until the queue is
 * empty, so when their promise resolves their bytes are out.
 */
export class SessionOutput {
  /** The queued bytes. */
  readonly queue: OutputQueue
  readonly #transport: Transport
  readonly #events: OutputEvents
  #flushing: Promise<boolean> | undefined
  #broken = false

  /**
   * @param transport - where bytes go
   * @param copyLimit - buffers larger than this are written as they are
   * @param events - the Session's write hooks
   */
  constructor(transport: Transport, copyLimit: number, events: OutputEvents) {
    this.#transport = transport
    this.queue = new OutputQueue(copyLimit)
    this.#events = events
  }

  /** Whether nothing is queued or being written. */
  get isIdle(): boolean {
    return this.#flushing === undefined && this.queue.isEmpty
  }

  /** Whether a write failed or the connection was cut: nothing more will be written. */
  get isBroken(): boolean {
    return this.#broken
  }

  /** Stops all writing: the connection is over. */
  breakOff(): void {
    this.#broken = true
  }

  /**
   * Writes everything queued, waiting for the transport.
   * @returns `false` when the connection is gone
   */
  flush(): Promise<boolean> {
    if (this.#flushing !== undefined) return this.#flushing
    if (this.queue.isEmpty) return this.#broken ? RESOLVED_FALSE : RESOLVED_TRUE
    const flushing = this.#drain()
    this.#flushing = flushing
    return flushing
  }

  async #drain(): Promise<boolean> {
    const token = this.#events.writing()
    try {
      while (!this.queue.isEmpty) {
        if (this.#broken) return false
        if (!(await writeAll(this.#transport, this.queue.take()))) return this.#fail(undefined)
      }
      return true
    } catch (err) {
      return this.#fail(err)
    } finally {
      this.#flushing = undefined
      this.#events.written(token)
    }
  }

  #fail(err: unknown): false {
    this.#broken = true
    this.#events.failed(err)
    return false
  }
}
