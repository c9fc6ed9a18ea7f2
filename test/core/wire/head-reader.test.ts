import { expect } from 'chai'
import { HeadReader } from '../../../core/wire/head-reader.js'
import { RequestHead } from '../../../core/wire/request-head.js'
import { testApp } from '../../helpers/test-app.js'
import { servedText } from '../../helpers/serve-input.js'
import { textResponse } from '../../helpers/expected-response.js'

const LIMITS = { maxHeaderBytes: 16384, maxHeaderCount: 100, maxTargetBytes: 8192 }
const GET_HELLO = 'GET /hello HTTP/1.1\r\nHost: a\r\n\r\n'

/** Feeds `reads` one by one, calling next() after each; @returns what each next() returned, heads as their targets. */
function feed(reads: string[]): (string | number | undefined)[] {
  const reader = new HeadReader(LIMITS)
  const seen: (string | number | undefined)[] = []
  for (const read of reads) {
    reader.append(Buffer.from(read, 'latin1'))
    for (;;) {
      const head = reader.next()
      seen.push(head instanceof RequestHead ? head.target : head)
      if (!(head instanceof RequestHead)) break
    }
  }
  return seen
}

describe('HeadReader', () => {
  describe('empty lines before a request line (RFC 9112 §2.2), however the CRLF is split', () => {
    it('waits for the LF of a CR that ends a read at the connection start', () => {
      expect(feed(['\r', '\nGET /a HTTP/1.1\r\nHost: a\r\n\r\n'])).to.deep.equal([undefined, '/a', undefined])
    })

    it('waits for the LF of a CR that ends a read between requests', () => {
      expect(feed(['GET /a HTTP/1.1\r\nHost: a\r\n\r\n\r', '\nGET /b HTTP/1.1\r\nHost: a\r\n\r\n'])).to.deep.equal([
        '/a',
        undefined,
        '/b',
        undefined,
      ])
    })

    it('skips empty lines sent one byte at a time', () => {
      expect(feed([...'\r\n\r\n\r\nGET /a HTTP/1.1\r\nHost: a\r\n\r\n']).filter((x) => x !== undefined)).to.deep.equal([
        '/a',
      ])
    })

    it('still refuses a CR followed by anything but LF', () => {
      expect(feed(['\r', 'GET /a HTTP/1.1\r\nHost: a\r\n\r\n'])).to.deep.equal([undefined, -2])
    })
  })

  describe('the same refusal whether a head arrives whole or in pieces', () => {
    const heads: [string, string][] = [
      [
        'a bare LF after an unmet expectation',
        'POST /e HTTP/1.1\r\nHost: a\r\nExpect: nope\r\nX: a\nContent-Length: 4\r\n\r\nbody',
      ],
      [
        'a bare LF after an unsupported version',
        'POST /c HTTP/3.1\r\nHost: a\r\nTransfer-Encoding: chunked\t\n\r\n0\r\n\r\n',
      ],
      ['a bare CR after an unsupported version', 'PUT /f HTTP/3.1\r\nH\rost: a\r\nContent-Length: 2\r\n\r\n{}'],
      [
        'a bare CR after an unknown transfer coding',
        'POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\nX: \ry\r\n\r\n0\r\n\r\n',
      ],
    ]
    for (const [what, text] of heads) {
      it(`refuses ${what} as malformed, split anywhere`, () => {
        expect(feed([text]).at(-1), 'whole').to.equal(-2)
        for (let at = 1; at < text.length; at++) {
          expect(feed([text.slice(0, at), text.slice(at)]).at(-1), `split at ${at}`).to.equal(-2)
        }
      })
    }

    it('judges bare line ends within the first maxHeaderBytes only: past them the head is too large', () => {
      const text = `GET / HTTP/1.1\r\nHost: a\r\nX: ${'x'.repeat(LIMITS.maxHeaderBytes)}\nY: 1\r\n\r\n`
      expect(feed([text]).at(-1)).to.equal(-3)
      expect(feed([text.slice(0, 100), text.slice(100)]).at(-1)).to.equal(-3)
    })
  })

  describe('over a Session', () => {
    const app = testApp({ waf: { mode: 'off' } })
    const inputs: [string, string, string][] = [
      ['at the connection start', `\r\n\r\n${GET_HELLO}`, textResponse('hello')],
      ['between pipelined requests', `${GET_HELLO}\r\n\r\n${GET_HELLO}`, textResponse('hello') + textResponse('hello')],
      [
        'after a body',
        `POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi\r\n${GET_HELLO}`,
        textResponse('hi') + textResponse('hello'),
      ],
    ]
    for (const [where, input, expected] of inputs) {
      it(`answers the same with empty lines ${where}, at every split point`, async () => {
        const bytes = Buffer.from(input, 'latin1')
        for (let split = 1; split < bytes.length; split++) {
          const text = await servedText(app, { input: [bytes.subarray(0, split), bytes.subarray(split)] })
          expect(text, `split at ${split}`).to.equal(expected)
        }
      })
    }
  })
})
