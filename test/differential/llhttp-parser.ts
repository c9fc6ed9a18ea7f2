import { createRequire } from 'node:module'
import type { ParsedMessage, ParseOutcome } from './outcome.js'

interface NodeHttpParser {
  initialize(type: number, resource: object, maxHeaderSize: number, lenient: number): void
  execute(data: Buffer): number | (Error & { code?: string; bytesParsed?: number })
  finish(): undefined | (Error & { code?: string })
  close(): void
  [key: number]: unknown
}
interface HttpParserClass {
  new (): NodeHttpParser
  REQUEST: number
  kOnHeaders: number
  kOnHeadersComplete: number
  kOnBody: number
  kOnMessageComplete: number
  kOnExecute: number
  kLenientNone: number
}

// node's own HTTP parser (llhttp), as node:http drives it, in strict mode (no leniency flags).
const { HTTPParser, methods } = createRequire(import.meta.url)('_http_common') as {
  HTTPParser: HttpParserClass
  methods: string[]
}

/** llhttp's version, for the record. */
export const LLHTTP_VERSION = process.versions.llhttp ?? 'unknown'

/**
 * Parses `reads` (one input split into reads) with llhttp as node:http does: default 16 KiB header
 * limit, no leniency. A message whose connection is not kept alive, or that upgrades, ends the
 * input, as a server stops reading there.
 */
export function parseWithLlhttp(reads: readonly Buffer[], maxHeaderSize = 16 * 1024): ParseOutcome {
  const parser = new HTTPParser()
  parser.initialize(HTTPParser.REQUEST, {}, maxHeaderSize, HTTPParser.kLenientNone)
  const messages: ParsedMessage[] = []
  let headers: string[] = []
  let url = ''
  let current:
    | { method: string; target: string; version: string; headers: string[]; upgrade: boolean; keepAlive: boolean }
    | undefined
  let body: Buffer[] = []
  let trailers: string[] = []
  let stop = false
  let inMessage = false
  let messageStart = 0
  let consumed = 0
  parser[HTTPParser.kOnHeaders] = (more: string[], moreUrl: string): void => {
    // Long heads and trailers arrive in pieces; after the head they are trailers.
    if (current === undefined) {
      headers.push(...more)
      url += moreUrl
    } else {
      trailers.push(...more)
    }
  }
  parser[HTTPParser.kOnHeadersComplete] = (
    major: number,
    minor: number,
    heads: string[] | undefined,
    method: number,
    target: string | undefined,
    _status: unknown,
    _message: unknown,
    upgrade: boolean,
    keepAlive: boolean,
  ): number => {
    inMessage = true
    current = {
      method: methods[method] ?? String(method),
      target: target ?? url,
      version: `${major}.${minor}`,
      headers: heads ?? headers,
      upgrade,
      keepAlive,
    }
    headers = []
    url = ''
    return 0
  }
  parser[HTTPParser.kOnBody] = (chunk: Buffer): void => {
    body.push(Buffer.from(chunk))
  }
  parser[HTTPParser.kOnMessageComplete] = (): void => {
    if (current === undefined) return
    messages.push({
      method: current.method,
      target: current.target,
      version: current.version,
      headers: current.headers,
      body: Buffer.concat(body).toString('latin1'),
      trailers,
      upgrade: current.upgrade,
    })
    if (!current.keepAlive || current.upgrade) stop = true
    current = undefined
    inMessage = false
    body = []
    trailers = []
  }
  try {
    for (const read of reads) {
      // Byte by byte within a read would change nothing: llhttp keeps its state between calls.
      const result = parser.execute(read)
      if (typeof result !== 'number') {
        if (stop) break
        return { messages, end: 'rejected', reason: result.code ?? 'error', stoppedAt: messageStart }
      }
      if (stop) break
      consumed += read.length
      if (!inMessage && current === undefined) messageStart = consumed
    }
    if (stop) return { messages, end: 'done' }
    if (current !== undefined || parser.finish() !== undefined) {
      return {
        messages,
        end: 'incomplete',
        waitingIn: current === undefined ? 'head' : 'body',
        stoppedAt: messageStart,
      }
    }
    return { messages, end: 'done' }
  } finally {
    parser.close()
  }
}
