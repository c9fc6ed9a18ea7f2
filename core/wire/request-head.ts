// Shared by every head without fields (an HTTP/1.0 request may have none).
const NO_FIELDS: readonly string[] = Object.freeze([])

/**
 * What the head parser learned about one request: the request line, the fields in order, and the
 * framing and connection facts the Session acts on. Field names and values are latin1 strings, as
 * received; nothing else of the head is decoded.
 */
export class RequestHead {
  /** Method token, e.g. `GET`. */
  method = ''
  /** Request-target exactly as received. */
  target = ''
  /** The target's path (origin-form without the query; `*` for asterisk-form; `''` for authority-form). */
  path = ''
  /** The query string without `?`, or `''`. */
  query = ''
  /** Whether the target holds no `%`, `.` or `\`: nothing a decoding or a dot segment rides on. */
  targetIsPlain = false
  /**
   * The host the request is for, as `uri-host[:port]`, validated: the target's authority for the
   * absolute and authority forms (RFC 9112 §3.2.2), else the Host field; `''` when neither names one.
   */
  authority = ''
  /** 0 for HTTP/1.0, 1 for HTTP/1.1. */
  versionMinor = 1
  /** Fields as a flat list: `[name, value, name, value, …]`, names as received. */
  headers: readonly string[] = NO_FIELDS
  /** Whether no field value holds a `%`: nothing a percent-encoded byte rides on. */
  valuesArePlain = false
  /** Declared Content-Length, or -1 when absent. */
  contentLength = -1
  /** Whether the body is chunked (Transfer-Encoding ends in `chunked`). */
  chunked = false
  /** Whether the connection may stay open after this request, by version and `Connection`. */
  keepAlive = true
  /** Whether the client sent `Expect: 100-continue`. */
  expectContinue = false
  /** Whether `Connection` lists `upgrade` and an `Upgrade` field is present. */
  upgrade = false
  /** Trailer fields of a chunked body as a flat `[name, value, …]` list, once the body is read. */
  trailers: string[] | undefined = undefined
  /** Size of the header block in bytes, terminator included. */
  headBytes = 0

  /** Whether the request has a body to read. */
  get hasBody(): boolean {
    return this.chunked || this.contentLength > 0
  }

  /**
   * Finds a field's value by name, case-insensitively; the first one wins.
   * @param name - lower-case field name
   */
  header(name: string): string | undefined {
    const headers = this.headers
    const length = name.length
    for (let i = 0; i < headers.length; i += 2) {
      const candidate = headers[i]!
      if (candidate.length === length && (candidate === name || candidate.toLowerCase() === name)) return headers[i + 1]
    }
    return undefined
  }
}
