import { expect } from 'chai'
import { decodeInput, parseFixtureFile, readLog, whyNotCompared } from './llhttp-fixture-file.js'
import { agrees, serveThroughSession, withHost } from './llhttp-session-verdict.js'

// A file in llhttp's fixture format, written here to check the reader: not one of llhttp's own.
const FILE = [
  'Format check',
  '============',
  '',
  '## Accepted',
  '',
  '<!-- meta={"type": "request"} -->',
  '```http',
  'GET /a HTTP/1.1',
  'X:\\t\\x41\\102${"c".repeat(2)}',
  '',
  '',
  '```',
  '',
  '```log',
  'off=0 message begin',
  'off=30 message complete',
  '```',
  '',
  '### Refused',
  '',
  '<!-- meta={"type": "request", "mode": "strict"} -->',
  '```http',
  'GET /b HTTP/1.1\\n\\',
  'X: y\\n\\',
  '\\n',
  '```',
  '',
  '```log',
  'off=16 error code=25 reason="Missing expected CR after header value"',
  '```',
  '',
  '## Lenient',
  '',
  '<!-- meta={"type": "request-lenient-headers"} -->',
  '```http',
  'GET / HTTP/1.1',
  '```',
  '',
  '```log',
  '```',
  '',
  '## Loose',
  '',
  '<!-- meta={"type": "request", "mode": "loose"} -->',
  '```http',
  'GET / HTTP/1.1',
  '```',
  '',
  '```log',
  '```',
].join('\n')

describe("llhttp's fixture format", () => {
  const fixtures = parseFixtureFile('format.md', FILE)

  it('reads each test: its heading, line, meta, input and verdict', () => {
    expect(fixtures.map((f) => [f.name, f.line, f.meta['type']])).to.deep.equal([
      ['Accepted', 7, 'request'],
      ['Refused', 22, 'request'],
      ['Lenient', 35, 'request-lenient-headers'],
      ['Loose', 45, 'request'],
    ])
    expect(fixtures[0]!.input.toString('latin1')).to.equal('GET /a HTTP/1.1\r\nX:\tABcc\r\n\r\n')
    expect(fixtures[0]!.expected).to.deep.equal({ messages: 1, error: undefined })
    expect(fixtures[1]!.input.toString('latin1')).to.equal('GET /b HTTP/1.1\nX: y\n\n')
    expect(fixtures[1]!.expected).to.deep.equal({ messages: 0, error: 'Missing expected CR after header value' })
  })

  it("decodes inputs as llhttp's md-test does: joined lines, CRLF, then escapes", () => {
    expect(decodeInput('\\r\\nGET / HTTP/1.1\nA: b\\\nc\n')).to.equal('\r\nGET / HTTP/1.1\r\nA: bc\r\n')
    expect(decodeInput('\\f\\x7f\\0')).to.equal('\f\x7f\0')
  })

  it('counts an upgrade pause and data after close as ends, not refusals', () => {
    const log = (code: number): string => `off=5 message complete\noff=5 error code=${code} reason="r"\n`
    expect(readLog(log(21))).to.deep.equal({ messages: 1, error: undefined })
    expect(readLog(log(5))).to.deep.equal({ messages: 1, error: undefined })
    expect(readLog(log(10))).to.deep.equal({ messages: 1, error: 'r' })
  })

  it('says why it leaves out lenient, loose-only and response tests', () => {
    expect(fixtures.map(whyNotCompared)).to.deep.equal([
      undefined,
      undefined,
      "llhttp's lenient flag lenient-headers: Gatehouse has no lenient mode",
      "llhttp's loose mode only: Gatehouse is compared with strict llhttp",
    ])
    expect(whyNotCompared({ ...fixtures[0]!, meta: { type: 'response' } })).to.equal(
      'type response: not a request parsed the strict way',
    )
  })

  it('gives each HTTP/1.1 request without Host one, and leaves the rest of the bytes alone', () => {
    const input = 'GET /a HTTP/1.1\r\n\r\n\r\nPOST /b HTTP/1.1\r\nhost: x\r\n\r\nGET /c HTTP/1.0\r\n\r\n'
    expect(withHost(Buffer.from(input)).toString('latin1')).to.equal(
      'GET /a HTTP/1.1\r\nHost: llhttp.test\r\n\r\n\r\nPOST /b HTTP/1.1\r\nhost: x\r\n\r\nGET /c HTTP/1.0\r\n\r\n',
    )
  })

  it("compares a Session's answers with llhttp's verdict", async () => {
    const accepted = await serveThroughSession(fixtures[0]!.input)
    expect(accepted).to.deep.equal({ answered: 1, refusal: undefined })
    expect(agrees(fixtures[0]!, accepted)).to.equal(true)
    const refused = await serveThroughSession(fixtures[1]!.input)
    expect(refused).to.deep.equal({ answered: 0, refusal: 400 })
    expect(agrees(fixtures[1]!, refused)).to.equal(true)
    expect(agrees(fixtures[0]!, refused)).to.equal(false)
  })
})
