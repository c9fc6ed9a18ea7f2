import { expect } from 'chai'
import { App } from '../../../core/app/app.js'
import { PROTOCOL_ERRORS } from '../../../core/errors.js'
import { servedText } from '../../helpers/serve-input.js'
import { response } from '../../helpers/expected-response.js'

/** The fixed answer for a protocol-error row, whole or (for HEAD) its head alone. */
function fixedAnswer(
  row: (typeof PROTOCOL_ERRORS)[keyof typeof PROTOCOL_ERRORS],
  reason: string,
  isHead: boolean,
): string {
  const body = JSON.stringify({ message: row.message })
  const fields = [
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${body.length}`,
    'Connection: close',
  ]
  return response(`${row.status} ${reason}`, fields, isHead ? '' : body)
}

/** RFC 9110 §9.3.2: an answer to HEAD has no content, the Session's own fixed answers included. */
describe('fixed answers to HEAD', () => {
  const app = new App({ limits: { maxTargetBytes: 64, maxHeaderBytes: 1024, maxBodyBytes: 10 } })
  app.get('/', () => 'root')

  const cases: Record<
    string,
    [(method: string) => string, (typeof PROTOCOL_ERRORS)[keyof typeof PROTOCOL_ERRORS], string]
  > = {
    'a malformed head (400)': [
      (m) => `${m} / HTTP/1.1\r\nHost: a\r\nBad Header: x\r\n\r\n`,
      PROTOCOL_ERRORS.Malformed,
      'Bad Request',
    ],
    'a body over the limit (413)': [
      (m) => `${m} / HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n`,
      PROTOCOL_ERRORS.BodyTooLarge,
      'Payload Too Large',
    ],
    'a target over the limit (414)': [
      (m) => `${m} /${'a'.repeat(80)} HTTP/1.1\r\nHost: a\r\n\r\n`,
      PROTOCOL_ERRORS.TargetTooLong,
      'URI Too Long',
    ],
    'a head over the limit (431)': [
      (m) => `${m} / HTTP/1.1\r\nHost: a\r\nX-Big: ${'b'.repeat(1100)}\r\n\r\n`,
      PROTOCOL_ERRORS.HeadTooLarge,
      'Request Header Fields Too Large',
    ],
  }
  for (const [what, [request, row, reason]] of Object.entries(cases)) {
    it(`answers HEAD with the head alone, and GET with the body, for ${what}`, async () => {
      expect(await servedText(app, request('HEAD'))).to.equal(fixedAnswer(row, reason, true))
      expect(await servedText(app, request('GET'))).to.equal(fixedAnswer(row, reason, false))
    })
  }

  it('answers a HEAD after empty lines with the head alone too', async () => {
    expect(await servedText(app, `\r\n\r\nHEAD /${'a'.repeat(80)} HTTP/1.1\r\nHost: a\r\n\r\n`)).to.equal(
      fixedAnswer(PROTOCOL_ERRORS.TargetTooLong, 'URI Too Long', true),
    )
  })
})
