import { expect } from 'chai'
import sinon from 'sinon'
import { HeaderList } from '../../../core/wire/header-list.js'
import { Framing, buildHead, finishHead, headAroundLength, prebuildHead } from '../../../core/wire/response-head.js'
import { CONNECTION_ESTABLISHED, CONTINUE_RESPONSE } from '../../../core/wire/error-responses.js'

const DATE = 'Date: Tue, 24 Nov 2026 12:00:00 GMT\r\n'

/** Field sets that touch every rule: none, plain, own Server and Date, each kind of Connection, chunked. */
function fieldSets(): [string, HeaderList | null][] {
  const make = (fields: [string, string][]): HeaderList => {
    const list = new HeaderList()
    for (const [name, value] of fields) list.set(name, value)
    return list
  }
  return [
    ['no fields', null],
    ['a type', make([['Content-Type', 'text/plain']])],
    [
      'its own Server and Date',
      make([
        ['Server', 'own'],
        ['Date', 'then'],
        ['X-A', '1'],
      ]),
    ],
    ['Connection: keep-alive', make([['Connection', 'keep-alive']])],
    ['Connection: close', make([['Connection', 'close']])],
    ['Transfer-Encoding: chunked', make([['Transfer-Encoding', 'chunked']])],
    ['obs-text', make([['X-Name', 'caf\u00e9']])],
  ]
}

describe('response heads (core/wire/response-head.ts)', () => {
  let clock: sinon.SinonFakeTimers
  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: Date.UTC(2026, 10, 24, 12, 0, 0), toFake: ['Date'] })
  })
  afterEach(() => clock.restore())

  describe('prebuildHead() and finishHead()', () => {
    it('make the head buildHead makes, for every status, framing, fields, connection and version', () => {
      let compared = 0
      for (const status of [100, 200, 204, 304, 404]) {
        for (const framing of [Framing.None, Framing.Length, Framing.Chunked, Framing.CloseDelimited]) {
          for (const [name, headers] of fieldSets()) {
            for (const serverLine of ['', 'Server: gatehouse\r\n']) {
              for (const withDate of [false, true]) {
                for (const close of [false, true]) {
                  for (const versionMinor of [0, 1]) {
                    const built = buildHead(status, headers, serverLine, withDate, framing, 42, close, versionMinor)
                    const finished = finishHead(
                      prebuildHead(status, headers, framing, 42),
                      serverLine,
                      withDate,
                      close,
                      versionMinor,
                    )
                    expect(finished, `${status} ${framing} ${name} ${close} 1.${versionMinor}`).to.equal(built)
                    compared++
                  }
                }
              }
            }
          }
        }
      }
      expect(compared).to.equal(5 * 4 * 7 * 2 * 2 * 2 * 2)
    })

    it('take a reason phrase of the caller', () => {
      expect(
        finishHead(prebuildHead(200, null, Framing.None, 0, 'Connection Established'), '', false, false, 1),
      ).to.equal('HTTP/1.1 200 Connection Established\r\n\r\n')
    })
  })

  describe('headAroundLength()', () => {
    it('is the head buildHead makes, cut at the length', () => {
      for (const [name, headers] of fieldSets()) {
        if (headers === null) continue
        for (const close of [false, true]) {
          for (const versionMinor of [0, 1]) {
            const { before, after } = headAroundLength(200, headers, 'Server: s\r\n', true, close, versionMinor)
            for (const length of [0, 7, 1234567]) {
              expect(`${before}${length}${after}`, name).to.equal(
                buildHead(200, headers, 'Server: s\r\n', true, Framing.Length, length, close, versionMinor),
              )
            }
          }
        }
      }
    })

    it('cuts right before the digits and keeps the empty line after them', () => {
      const fields = new HeaderList()
      fields.setDefaultType('text/plain')
      expect(headAroundLength(200, fields, '', true, false, 1)).to.deep.equal({
        before: `HTTP/1.1 200 OK\r\n${DATE}Content-Type: text/plain\r\nContent-Length: `,
        after: '\r\n\r\n',
      })
    })

    it('refuses fields with their own Content-Length', () => {
      const fields = new HeaderList()
      fields.set('Content-Length', '3')
      expect(() => headAroundLength(200, fields, '', true, false, 1)).to.throw(/Content-Length/)
    })
  })

  describe('the fixed interim and tunnel answers', () => {
    it('are built by the same rules: a status line and the empty line, no framing', () => {
      expect(CONTINUE_RESPONSE.toString('latin1')).to.equal('HTTP/1.1 100 Continue\r\n\r\n')
      expect(CONNECTION_ESTABLISHED.toString('latin1')).to.equal('HTTP/1.1 200 Connection Established\r\n\r\n')
    })
  })
})
