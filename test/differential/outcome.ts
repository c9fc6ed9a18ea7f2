/** One request as a parser understood it: what both parsers are compared on. */
export interface ParsedMessage {
  readonly method: string
  readonly target: string
  /** `1.0`, `1.1`, … */
  readonly version: string
  /** Field lines as `[name, value, …]`, names and values as received (latin1). */
  readonly headers: readonly string[]
  /** The decoded body, latin1. */
  readonly body: string
  /** Trailer fields of a chunked body, `[name, value, …]`. */
  readonly trailers: readonly string[]
  /** Whether the parser hands the connection to another protocol after this head (Upgrade, CONNECT). */
  readonly upgrade: boolean
}

/** What a parser made of a whole input: the messages it accepted, then how it ended. */
export interface ParseOutcome {
  readonly messages: ParsedMessage[]
  /**
   * `done`: every byte read (or the connection closed after a message); `rejected`: an error, named
   * by `reason`; `incomplete`: input ended inside a message, `waitingIn` saying where.
   */
  readonly end: 'done' | 'rejected' | 'incomplete'
  readonly reason?: string
  readonly waitingIn?: 'head' | 'body'
  /** Offset in the input of the message where the parser stopped (rejected or incomplete). */
  readonly stoppedAt?: number
  /** Offsets in the input where each message began (Gatehouse only: the fuzzer reads the bytes there). */
  readonly starts?: readonly number[]
}
