import type { Transport } from '../../transports/transport.js'
import { MemoryTransport } from '../../transports/memory-transport.js'
import { MalformedResponseError } from '../errors.js'
import { parseResponses, type ParsedResponse } from '../wire/response-parser.js'
import type {} from '../wire/buffer-slices.js'

/** A request for `app.inject()`. */
export interface InjectRequest {
  /** Default `GET`. */
  readonly method?: string
  /** The request-target, e.g. `/users/1?full=true`. */
  readonly path: string
  /** Header fields; `Host` defaults to `localhost`, `Content-Length` is computed. */
  readonly headers?: Readonly<Record<string, string | readonly string[]>>
  /** A string or bytes as they are; any other value is sent as JSON. */
  readonly body?: unknown
  /** Remote address the Session will see. */
  readonly remoteAddress?: string
}

/** The response to an injected request. */
export interface InjectResponse extends Omit<ParsedResponse, 'headers'> {
  /**
   * Headers by lower-cased name: a field sent once is a string, one sent several times an array
   * of its values in order (`Set-Cookie` values are never joined: they cannot be).
   */
  readonly headers: Readonly<Record<string, string | string[]>>
  /** The body as UTF-8 text. */
  text(): string
  /** The body parsed as JSON. */
  json<T = unknown>(): T
  /** Every byte the Session wrote, interim responses included. */
  readonly raw: Buffer
}

function serialize(request: InjectRequest): Buffer {
  const method = request.method ?? 'GET'
  const headers: [string, string][] = []
  let hasHost = false
  let hasType = false
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    const lower = name.toLowerCase()
    hasHost ||= lower === 'host'
    hasType ||= lower === 'content-type'
    for (const v of typeof value === 'string' ? [value] : value) headers.push([name, v])
  }
  if (!hasHost) headers.unshift(['Host', 'localhost'])
  let body: Buffer | undefined
  const given = request.body
  if (typeof given === 'string') body = Buffer.from(given, 'utf8')
  else if (Buffer.isBuffer(given) || given instanceof Uint8Array) body = Buffer.from(given)
  else if (given !== undefined) {
    body = Buffer.from(JSON.stringify(given), 'utf8')
    if (!hasType) headers.push(['Content-Type', 'application/json'])
  }
  if (body !== undefined && !headers.some(([n]) => /^(content-length|transfer-encoding)$/i.test(n))) {
    headers.push(['Content-Length', String(body.length)])
  }
  const head = `${method} ${request.path} HTTP/1.1\r\n${headers.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`
  return body === undefined ? Buffer.from(head, 'latin1') : Buffer.concat([Buffer.from(head, 'latin1'), body])
}

/**
 * Runs one request through a real Session over a MemoryTransport and parses the first final response.
 *
 * @param serve - runs a Session over a transport (`app.serve`)
 * @param request - a request description, or raw request bytes
 * @returns the parsed response
 * @throws MalformedResponseError (`ERR_MALFORMED_RESPONSE`) when the Session wrote no complete response
 */
export async function inject(
  serve: (transport: Transport) => Promise<void>,
  request: InjectRequest | string | Buffer,
): Promise<InjectResponse> {
  const bytes =
    typeof request === 'string'
      ? Buffer.from(request, 'latin1')
      : Buffer.isBuffer(request)
        ? request
        : serialize(request)
  const method =
    typeof request === 'object' && !Buffer.isBuffer(request)
      ? (request.method ?? 'GET')
      : bytes.latin1Slice(0, Math.max(0, bytes.indexOf(32)))
  const remote = typeof request === 'object' && !Buffer.isBuffer(request) ? request.remoteAddress : undefined
  const transport = new MemoryTransport({ input: [bytes], ...(remote === undefined ? {} : { remoteAddress: remote }) })
  await serve(transport)
  const raw = transport.output
  const final = parseResponses(raw, [method]).find((r) => r.status >= 200)
  if (final === undefined)
    throw new MalformedResponseError(
      `no complete response; the session wrote ${JSON.stringify(raw.latin1Slice(0, raw.length))}`,
    )
  const headers = Object.create(null) as Record<string, string | string[]>
  for (const [name, value] of final.rawHeaders) {
    const lower = name.toLowerCase()
    const existing = headers[lower]
    headers[lower] =
      existing === undefined ? value : typeof existing === 'string' ? [existing, value] : [...existing, value]
  }
  return {
    ...final,
    headers,
    raw,
    text: () => final.body.toString('utf8'),
    json: <T>() => JSON.parse(final.body.toString('utf8')) as T,
  }
}
