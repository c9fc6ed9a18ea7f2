import type { Transport } from '../transports/transport.js'
import { OutputQueue } from './output-queue.js'
import { writeAll } from '../transports/write-all.js'

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
 * empty, so when their promise resolves their bytes are out. It is the queue itself, not an
 * object beside it: each object is paid for by every idle connection.
 */
export class SessionOutput extends OutputQueue {
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
    super(copyLimit)
    this.#transport = transport
    this.#events = events
  }

  /** Whether nothing is queued or being written. */
  get isIdle(): boolean {
    return this.#flushing === undefined && this.isEmpty
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
    const flushed = this.flushNow()
    return typeof flushed === 'boolean' ? (flushed ? RESOLVED_TRUE : RESOLVED_FALSE) : flushed
  }

  /**
   * Like {@link flush}, but answers at once, without a promise, when the transport took the bytes
   * synchronously (`tryWriteText`, `tryWrite`): the keep-alive hot path then costs no microtask.
   * @returns `true`/`false` when settled now, or a promise of it
   */
  flushNow(): boolean | Promise<boolean> {
    if (this.#flushing !== undefined) return this.#flushing
    if (this.isEmpty) return !this.#broken
    if (this.#broken) return false
    const text = this.onlyText
    if (text !== undefined && this.#transport.tryWriteText?.(text, this.isAscii ? 'latin1' : 'utf8') === true) {
      this.clear()
      return true
    }
    const chunks = this.take()
    if (chunks.length === 1 && this.#transport.tryWrite?.(chunks[0]!) === true) return true
    const flushing = this.#drain(chunks)
    this.#flushing = flushing
    return flushing
  }

  async #drain(first: Buffer[]): Promise<boolean> {
    const token = this.#events.writing()
    try {
      let chunks: Buffer[] | undefined = first
      while (chunks !== undefined) {
        if (this.#broken) return false
        if (!(await writeAll(this.#transport, chunks))) return this.#fail(undefined)
        chunks = this.isEmpty ? undefined : this.take()
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
