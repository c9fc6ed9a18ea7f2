import type { Transport } from '../../transports/transport.js'
import { OutputQueue } from './output-queue.js'
import { writeAll } from '../../transports/write-all.js'
import { atTurnEnd, claimTurnStart, type TurnEndTask } from './turn-end.js'

const RESOLVED_TRUE = Promise.resolve(true)
const RESOLVED_FALSE = Promise.resolve(false)

/** The output's booleans, as bits of one field: every field is paid for by each idle connection. */
const State = { Broken: 1, Deferred: 2 } as const

/** How a SessionOutput tells its Session about writes. */
export interface OutputEvents {
  /** A write is starting (arm the write timeout). @returns a token handed back to `written` */
  writing(): number
  /** The writes of one flush are done. @param token - what `writing` returned */
  written(token: number): void
  /** A piece of a flush was accepted: the write timeout counts again from now. */
  progressed(): void
  /** A write accepted nothing or failed; the connection is over. @param err - the failure, if any */
  failed(err: unknown): void
  /** Everything queued so far has been written to the transport. Must not throw. */
  drained(): void
}

/**
 * A flush hands the transport at most this many bytes of a large buffer at a time: each piece
 * accepted is progress, so the write timeout measures a client that stopped reading, not the
 * length of the transfer (a socket reports nothing until all it was given has drained).
 */
const WRITE_PIECE_BYTES = 64 * 1024

/** The room of a transport that tells none: a socket's default high-water mark. */
const DEFAULT_ROOM_BYTES = 16 * 1024

/**
 * The response bytes of one connection on their way out: queued, then written in order by one
 * flush at a time. Callers that flush while a flush runs share it, and it runs until the queue is
 * empty, so when their promise resolves their bytes are out. It is the queue itself, not an
 * object beside it: each object is paid for by every idle connection.
 */
export class SessionOutput extends OutputQueue implements TurnEndTask {
  readonly #transport: Transport
  readonly #events: OutputEvents
  #flushing: Promise<boolean> | undefined
  #state = 0

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

  /** Whether a flush is writing to the transport (what it took is no longer queued). */
  get isFlushing(): boolean {
    return this.#flushing !== undefined
  }

  /** Whether nothing is queued or being written. */
  get isIdle(): boolean {
    return this.#flushing === undefined && this.isEmpty
  }

  /**
   * Bytes a streamed body may add now before the transport's buffer reaches its high-water mark:
   * its room less what is queued here, or 16 KiB (a socket's default mark) less that when the
   * transport tells no room; 0 once broken.
   */
  get writableRoom(): number {
    if (this.isBroken) return 0
    return Math.max(0, (this.#transport.writableRoom ?? DEFAULT_ROOM_BYTES) - this.bytes)
  }

  /** Whether a write failed or the connection was cut: nothing more will be written. */
  get isBroken(): boolean {
    return (this.#state & State.Broken) !== 0
  }

  /** Stops all writing: the connection is over. */
  breakOff(): void {
    this.#state |= State.Broken
  }

  /**
   * Puts the flush off to the end of this turn of the event loop (see `turn-end.ts`), when the
   * transport can take bytes without waiting, no flush is running, and another connection has
   * claimed the turn's start (written at once) already.
   * @returns whether it was put off; when `false` the caller flushes now
   */
  flushAtTurnEnd(): boolean {
    const transport = this.#transport
    if (
      this.#flushing !== undefined ||
      this.isBroken ||
      (transport.tryWrite === undefined && transport.tryWriteText === undefined)
    )
      return false
    if ((this.#state & State.Deferred) === 0) {
      if (claimTurnStart()) return false
      this.#state |= State.Deferred
      atTurnEnd(this)
    }
    return true
  }

  /**
   * Writes what was put off to the turn's end now, if anything was. A flush that has to wait runs
   * on as usual; its end and its failure reach the Session through the events.
   */
  flushDeferred(): void {
    if ((this.#state & State.Deferred) === 0) return
    this.#state &= ~State.Deferred
    try {
      void this.flushNow()
    } catch (err) {
      this.#fail(err)
    }
  }

  /** The turn is ending. */
  runAtTurnEnd(): void {
    this.flushDeferred()
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
    if (this.isEmpty) return !this.isBroken
    if (this.isBroken) return false
    const text = this.onlyText
    if (text !== undefined && this.#transport.tryWriteText?.(text, this.isAscii ? 'latin1' : 'utf8') === true) {
      this.clear()
      this.#events.drained()
      return true
    }
    const chunks = this.take()
    if (chunks.length === 1 && this.#transport.tryWrite?.(chunks[0]!) === true) {
      this.#events.drained()
      return true
    }
    const flushing = this.#drain(chunks)
    this.#flushing = flushing
    return flushing
  }

  async #drain(first: Buffer[]): Promise<boolean> {
    const token = this.#events.writing()
    try {
      let chunks: Buffer[] | undefined = first
      while (chunks !== undefined) {
        if (this.isBroken) return false
        if (!(await this.#writeInPieces(chunks))) return this.#fail(undefined)
        chunks = this.isEmpty ? undefined : this.take()
      }
      this.#events.drained()
      return true
    } catch (err) {
      return this.#fail(err)
    } finally {
      this.#flushing = undefined
      this.#events.written(token)
    }
  }

  /** Writes `chunks` whole, or a piece at a time when one is large, telling of each piece's progress. */
  async #writeInPieces(chunks: Buffer[]): Promise<boolean> {
    let large = false
    for (const chunk of chunks) if (chunk.length > WRITE_PIECE_BYTES) large = true
    if (!large) return writeAll(this.#transport, chunks)
    for (const chunk of chunks) {
      for (let offset = 0; offset < chunk.length; offset += WRITE_PIECE_BYTES) {
        if (this.isBroken) return false
        if (!(await writeAll(this.#transport, [chunk.subarray(offset, offset + WRITE_PIECE_BYTES)]))) return false
        this.#events.progressed()
      }
    }
    return true
  }

  #fail(err: unknown): false {
    this.#state |= State.Broken
    this.#events.failed(err)
    return false
  }
}
