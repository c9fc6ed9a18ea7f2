import type { DetachedConnection } from '../request/connection.js'
import type { RequestHead } from '../wire/request-head.js'
import type { ResponseSink, WriteListener } from '../response/response-sink.js'

/** What a slot needs from its Session. */
export interface SlotOwner extends ResponseSink {
  /** Whether the response to request number `requestNumber` with this head must close. */
  mustCloseFor(head: RequestHead, requestNumber: number): boolean
}

/**
 * The sink of a pipelined request handled while an earlier one is still in flight. Its response
 * is held here until every earlier response has left, then it writes straight through: responses
 * always leave in request order, whatever order their handlers finish in.
 */
export class ResponseSlot implements ResponseSink {
  readonly #owner: SlotOwner
  readonly #head: RequestHead
  readonly #requestNumber: number
  #held: (string | Buffer)[] = []
  #heldLengths: number[] = []
  #heldBytes = 0
  #active = false
  #activated: Promise<void> | undefined
  #activate: (() => void) | undefined
  #unwritten: WriteListener | undefined

  /**
   * @param owner - the Session
   * @param head - the request this slot answers
   * @param requestNumber - its position on the connection (1-based)
   */
  constructor(owner: SlotOwner, head: RequestHead, requestNumber: number) {
    this.#owner = owner
    this.#head = head
    this.#requestNumber = requestNumber
  }

  /** Bytes held back so far. */
  get heldBytes(): number {
    return this.#heldBytes
  }

  get serverLine(): string {
    return this.#owner.serverLine
  }

  get smallWriteBytes(): number {
    return this.#owner.smallWriteBytes
  }

  /** Every earlier response has left: release what is held and write through from now on. */
  activate(): void {
    this.#active = true
    for (let i = 0; i < this.#held.length; i++) {
      const piece = this.#held[i]!
      if (typeof piece === 'string') this.#owner.queueText(piece, this.#heldLengths[i]!)
      else this.#owner.queueBytes(piece)
    }
    this.#held = []
    this.#heldLengths = []
    this.#heldBytes = 0
    const listener = this.#unwritten
    this.#unwritten = undefined
    if (listener !== undefined) this.#owner.whenWritten(listener)
    this.#activate?.()
  }

  /** An earlier response closed the connection: what this slot holds will never leave. */
  drop(): void {
    const listener = this.#unwritten
    this.#unwritten = undefined
    listener?.writeSettled(true)
  }

  whenWritten(listener: WriteListener): void {
    if (this.#active) return this.#owner.whenWritten(listener)
    // One response per slot: its bytes are held until activate().
    this.#unwritten = listener
  }

  mustClose(): boolean {
    return this.#owner.mustCloseFor(this.#head, this.#requestNumber)
  }

  queueText(text: string, byteLength: number): void {
    if (this.#active) return this.#owner.queueText(text, byteLength)
    this.#held.push(text)
    this.#heldLengths.push(byteLength)
    this.#heldBytes += byteLength
  }

  queueBytes(bytes: Buffer): void {
    if (this.#active) return this.#owner.queueBytes(bytes)
    this.#held.push(bytes)
    this.#heldLengths.push(bytes.length)
    this.#heldBytes += bytes.length
  }

  /** The connection's room, less what is held back here for this response's turn. */
  writableRoom(): number {
    return Math.max(0, this.#owner.writableRoom() - this.#heldBytes)
  }

  /** Waits for this response's turn, then for the transport: a streaming handler here is held back. */
  async flush(): Promise<boolean> {
    if (!this.#active) await this.#turn()
    return this.#owner.flush()
  }

  abort(): void {
    this.#owner.abort()
  }

  closeAfterFlush(): void {
    this.#owner.closeAfterFlush()
  }

  reportError(err: unknown): void {
    this.#owner.reportError(err)
  }

  async detach(): Promise<DetachedConnection> {
    if (!this.#active) await this.#turn()
    return this.#owner.detach()
  }

  #turn(): Promise<void> {
    return (this.#activated ??= new Promise<void>((resolve) => (this.#activate = resolve)))
  }
}
