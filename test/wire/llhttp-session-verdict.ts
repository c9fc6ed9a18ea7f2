import { App, MemoryTransport } from '../../index.js'
import type { LlhttpFixture } from './llhttp-fixture-file.js'

/** What Gatehouse answered: the requests it served, then the status that refused the rest. */
export interface GatehouseVerdict {
  readonly answered: number
  readonly refusal: number | undefined
}

// Every request the parser lets through is answered 200 by this middleware, whatever its method
// and target, or upgraded (101) when it asks, as llhttp hands such a connection over; the WAF is
// off, so any other status is the Session's refusal of the bytes.
const app = new App({ waf: { mode: 'off' } })
app.use((req, res) => (req.isUpgrade ? res.upgrade(({ transport }) => transport.close()) : res.text('ok')))
app.onError(() => undefined)

/**
 * Gatehouse refuses an HTTP/1.1 request without Host (RFC 9112 §3.2, the accepted difference
 * `host-count`), which most fixtures leave out: that would hide everything else they test. Each
 * line that reads as an HTTP/1.1 request-line and whose head has no Host field gets one after it;
 * the bytes are otherwise unchanged. (A body line that reads as one gets it too: the fixtures
 * where a body hides a request are refused before it.)
 */
export function withHost(input: Buffer): Buffer {
  const text = input.toString('latin1')
  let out = ''
  let from = 0
  for (const line of text.matchAll(/(?:^|\r\n)((?:\r\n)*[!#$%&'*+.^_`|~0-9A-Za-z-]+ [^ \r\n]+ HTTP\/1\.1)(?=\r\n)/g)) {
    const lineEnd = line.index + line[0].length
    const headEnd = text.indexOf('\r\n\r\n', lineEnd)
    const head = text.slice(lineEnd, headEnd < 0 ? text.length : headEnd + 2)
    if (/\r\nhost[ \t]*:/i.test(head)) continue
    out += `${text.slice(from, lineEnd)}\r\nHost: llhttp.test`
    from = lineEnd
  }
  return Buffer.from(out + text.slice(from), 'latin1')
}

/** Serves `input` (with Host added, see `withHost`) through a Session and reads what it answered. */
export async function serveThroughSession(input: Buffer): Promise<GatehouseVerdict> {
  const transport = new MemoryTransport({ input: [withHost(input)] })
  await app.serve(transport)
  const statuses = [...transport.outputText('latin1').matchAll(/HTTP\/1\.[01] (\d{3}) [^\r\n]*\r\n/g)]
    .map((match) => Number(match[1]))
    .filter((status) => status >= 200 || status === 101)
  let answered = 0
  while (answered < statuses.length && (statuses[answered] === 200 || statuses[answered] === 101)) answered++
  return { answered, refusal: statuses[answered] }
}

/** Whether Gatehouse served what llhttp accepted and refused where llhttp refused. */
export function agrees(fixture: LlhttpFixture, gatehouse: GatehouseVerdict): boolean {
  const { messages, error } = fixture.expected
  return gatehouse.answered === messages && (error === undefined) === (gatehouse.refusal === undefined)
}
