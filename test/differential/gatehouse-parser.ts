import { HeadReader } from '../../core/wire/head-reader.js'
import { type RequestHead } from '../../core/wire/request-head.js'
import { readBody } from '../../core/request/body-reader.js'
import { ParseResult } from '../../core/wire/parse-result.js'
import { resolveConfig } from '../../core/config/config.js'
import type { ParsedMessage, ParseOutcome } from './outcome.js'

const LIMITS = resolveConfig({}).limits
const REASONS = new Map<number, string>(Object.entries(ParseResult).map(([name, value]) => [value, name]))

/**
 * Parses `reads` with Gatehouse's own head reader and body reader, in the order the Session uses
 * them (default limits): each head, then its body, until the input ends, a head refuses to keep
 * the connection, or one upgrades (a CONNECT included: what follows is a tunnel's).
 */
export async function parseWithGatehouse(reads: readonly Buffer[]): Promise<ParseOutcome> {
  const input = new HeadReader(LIMITS)
  const messages: ParsedMessage[] = []
  const starts: number[] = []
  let next = 0
  // Bytes received before the current buffer's first byte: maps buffer offsets to input offsets.
  let received = 0
  const offset = (): number => received - (input.end - input.pos)
  const more = (): number => {
    if (next >= reads.length) return -1
    const read = reads[next++]!
    received += read.length
    return input.append(read)
  }
  for (;;) {
    let head = input.next()
    while (head === undefined) {
      if (more() < 0) {
        const rest = input.buf.subarray(input.pos, input.end)
        // Nothing but empty lines (or none) waited: the input ended between messages.
        const between = rest.every((b) => b === 13 || b === 10)
        return between
          ? { messages, end: 'done', starts }
          : { messages, end: 'incomplete', waitingIn: 'head', stoppedAt: offset(), starts }
      }
      head = input.next()
    }
    if (typeof head === 'number')
      return { messages, end: 'rejected', reason: REASONS.get(head) ?? String(head), stoppedAt: offset(), starts }
    starts.push(offset() - head.headBytes)
    let body: Buffer = Buffer.alloc(0)
    const upgrade = head.upgrade || head.method === 'CONNECT'
    if (head.hasBody && !upgrade) {
      const start = starts[starts.length - 1]!
      const result = await readBody(input, head, LIMITS.maxBodyBytes, LIMITS.maxHeaderBytes, async () => more())
      if (typeof result === 'number') {
        return result === ParseResult.Incomplete
          ? { messages, end: 'incomplete', waitingIn: 'body', stoppedAt: start, starts }
          : { messages, end: 'rejected', reason: REASONS.get(result) ?? String(result), stoppedAt: start, starts }
      }
      body = result
    }
    messages.push(toMessage(head, body, upgrade))
    if (!head.keepAlive || upgrade) return { messages, end: 'done', starts }
  }
}

function toMessage(head: RequestHead, body: Buffer, upgrade: boolean): ParsedMessage {
  return {
    method: head.method,
    target: head.target,
    version: `1.${head.versionMinor}`,
    headers: [...head.headers],
    body: body.toString('latin1'),
    trailers: head.trailers ?? [],
    upgrade,
  }
}
