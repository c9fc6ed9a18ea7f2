import { expect } from 'chai'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { repositoryRoot } from '../helpers/repository-root.js'
import { ACCEPTED_DIFFERENCES } from '../differential/accepted-differences.js'
import { parseFixtureFile, whyNotCompared } from './llhttp-fixture-file.js'
import { agrees, serveThroughSession } from './llhttp-session-verdict.js'

/**
 * llhttp's own request fixtures (nodejs/llhttp `test/request/*.md`, MIT), vendored unchanged in
 * this folder; see its README for the source and commit. Every file there is read.
 */
const FIXTURES = join(repositoryRoot(import.meta.url), 'test', 'fixtures', 'llhttp')

/**
 * Fixtures Gatehouse answers otherwise than strict llhttp, `file: heading` → the id of the
 * accepted difference (`test/differential/accepted-differences.ts`) that explains it with its RFC
 * section. A disagreement not listed here fails, and so does an entry that no longer disagrees.
 */
export const FIXTURE_DIFFERENCES: Readonly<Record<string, string>> = {
  'sample.md: No HTTP version': 'http09',
  'sample.md: Line folding in header value with CRLF': 'obs-fold',
  'content-length.md: Error on `Content-Length` overflow': 'head-judged-whole',
  'content-length.md: Error on duplicate `Content-Length`': 'head-judged-whole',
  'invalid.md: HTTP protocol and ANNOUNCE method': 'extension-method',
  'invalid.md: Invalid method': 'extension-method',
  'invalid.md: Invalid HTTP version': 'head-judged-whole',
  'invalid.md: Invalid space after start line': 'head-judged-whole',
  'connection.md: Multiple tokens with folding': 'obs-fold',
  'connection.md: Multiple tokens with folding, LWS, and CRLF': 'obs-fold',
}

const files = existsSync(FIXTURES) ? readdirSync(FIXTURES).filter((name) => name.endsWith('.md')) : []
const fixtures = files.flatMap((file) =>
  file === 'README.md' ? [] : parseFixtureFile(file, readFileSync(join(FIXTURES, file), 'utf8')),
)

describe("llhttp's own request fixtures, through a Session", () => {
  const KNOWN = new Set(ACCEPTED_DIFFERENCES.map((d) => d.id))

  it('explains every listed difference by an accepted difference with its RFC section, for a fixture there is', () => {
    const present = new Set(fixtures.map((fixture) => `${fixture.file}: ${fixture.name}`))
    for (const [fixture, id] of Object.entries(FIXTURE_DIFFERENCES)) {
      expect(KNOWN.has(id), `${fixture}: ${id}`).to.equal(true)
      // Checked once the fixtures are vendored (see test/fixtures/llhttp/README.md).
      if (fixtures.length > 0) expect(present.has(fixture), `${fixture}: no such fixture`).to.equal(true)
    }
  })

  for (const fixture of fixtures) {
    const key = `${fixture.file}: ${fixture.name}`
    const reason = whyNotCompared(fixture)
    if (reason !== undefined) continue
    it(`${key} (line ${fixture.line}): as strict llhttp, or an accepted difference`, async () => {
      const gatehouse = await serveThroughSession(fixture.input)
      const listed = FIXTURE_DIFFERENCES[key]
      const detail = JSON.stringify({ llhttp: fixture.expected, gatehouse, input: fixture.input.toString('latin1') })
      if (agrees(fixture, gatehouse)) expect(listed, `listed as different but agrees: ${detail}`).to.equal(undefined)
      else expect(listed, `an unexplained difference: ${detail}`).to.be.a('string')
      // llhttp refuses at the bad byte, before the head ends; Gatehouse, given the end, refuses too.
      if (listed === 'head-judged-whole') {
        const end = fixture.input.toString('latin1').endsWith('\r\n') ? '\r\n' : '\r\n\r\n'
        const whole = await serveThroughSession(Buffer.concat([fixture.input, Buffer.from(end)]))
        expect(whole.answered, detail).to.equal(fixture.expected.messages)
        expect(whole.refusal, detail).to.be.a('number')
      }
    })
  }

  it('leaves out only what it says why: lenient flags, loose mode, callback pausing and responses', () => {
    for (const fixture of fixtures) {
      const reason = whyNotCompared(fixture)
      if (reason !== undefined) expect(reason).to.match(/lenient|loose|pausing|type/)
    }
  })
})
