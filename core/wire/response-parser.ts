import { MalformedResponseError } from '../errors.js'
import { BodyCollector } from './body-collector.js'
import { ChunkedDecoder } from './chunked-decoder.js'
import type {} from './buffer-slices.js'

/**
 * One HTTP response as read back from raw bytes (by `app.inject()` and by tests).
 */
export interface ParsedResponse {
  /** Status code. */
  readonly status: number
  /** Reason phrase. */
  readonly statusMessage: string
  /** Headers by lower-cased name; repeated ones joined with `, `. */
  readonly headers: Readonly<Record<string, string>>
  /** Fields as received: `[name, value]` pairs. */
  readonly rawHeaders: readonly (readonly [string, string])[]
  /** The body, de-chunked. */
  readonly body: Buffer
}

/**
 * Splits raw response bytes into responses (1xx interim responses included), decoding
 * Content-Length, chunked and close-delimited bodies. Meant for bytes this server wrote.
 *
 * @param bytes - everything a client received
 * @param requestMethods - the method of each request in order (a HEAD response has no body)
 * @returns the responses in order
 * @throws MalformedResponseError when the bytes are not a sequence of whole responses
 */
export function parseResponses(bytes: Buffer, requestMethods: readonly string[] = []): ParsedResponse[] {
  const responses: ParsedResponse[] = []
  let pos = 0
  let request = 0
  while (pos < bytes.length) {
    const headEnd = bytes.indexOf('\r\n\r\n', pos, 'latin1')
    if (headEnd === -1) throw new MalformedResponseError(`incomplete response head at byte ${pos}`)
    const lines = bytes.latin1Slice(pos, headEnd).split('\r\n')
    const match = /^HTTP\/1\.[01] (\d{3}) ?(.*)$/.exec(lines[0]!)
    if (match === null) throw new MalformedResponseError(`bad status line: ${JSON.stringify(lines[0])}`)
    const status = Number(match[1])
    const rawHeaders: [string, string][] = []
    const headers = Object.create(null) as Record<string, string>
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':')
      const name = line.slice(0, colon)
      const value = line.slice(colon + 1).trim()
      rawHeaders.push([name, value])
      const lower = name.toLowerCase()
      headers[lower] = headers[lower] === undefined ? value : `${headers[lower]}, ${value}`
    }
    pos = headEnd + 4
    let body: Buffer = Buffer.alloc(0)
    const interim = status < 200
    const bodyless = interim || status === 204 || status === 304 || requestMethods[request] === 'HEAD'
    if (!bodyless) {
      if (headers['transfer-encoding'] !== undefined) {
        const decoder = new ChunkedDecoder(Number.MAX_SAFE_INTEGER, 1 << 20)
        const collector = new BodyCollector()
        const next = decoder.decode(bytes, pos, bytes.length, collector)
        if (next < 0 || !decoder.done) throw new MalformedResponseError(`bad chunked body at byte ${pos}`)
        body = collector.take()
        pos = next
      } else if (headers['content-length'] !== undefined) {
        const length = Number(headers['content-length'])
        if (pos + length > bytes.length) throw new MalformedResponseError(`body shorter than Content-Length ${length}`)
        body = bytes.subarray(pos, pos + length)
        pos += length
      } else {
        body = bytes.subarray(pos)
        pos = bytes.length
      }
    }
    if (!interim) request++
    responses.push({ status, statusMessage: match[2]!, headers, rawHeaders, body })
  }
  return responses
}
