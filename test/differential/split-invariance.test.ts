import { expect } from 'chai'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { App } from '../../core/app/app.js'
import { servedText } from '../helpers/serve-input.js'
import { repositoryRoot } from '../helpers/repository-root.js'
import { SEEDS } from './seeds.js'

/**
 * The raw requests the specification suites send: every single-quoted literal in test/**.ts that
 * holds a request line and a complete head (template literals, built at run time, are left out).
 */
function gatherSpecRequests(): string[] {
  const found = new Set<string>()
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name)
      if (statSync(path).isDirectory()) walk(path)
      else if (name.endsWith('.ts')) {
        for (const match of readFileSync(path, 'utf8').matchAll(
          /'((?:[A-Z]+ \S+ HTTP\/1\.[01]\\r\\n)(?:[^'\\]|\\.)*?\\r\\n\\r\\n(?:[^'\\]|\\.)*)'/g,
        )) {
          found.add(unescape(match[1]!))
        }
      }
    }
  }
  walk(join(repositoryRoot(import.meta.url), 'test'))
  return [...found]
}

function unescape(literal: string): string {
  return literal.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|.)/g, (_, e: string) =>
    e[0] === 'x' || e[0] === 'u'
      ? String.fromCharCode(parseInt(e.slice(1), 16))
      : (({ r: '\r', n: '\n', t: '\t', '0': '\0' } as Record<string, string>)[e] ?? e),
  )
}

// Answers with what it read, so that any difference in parsing shows in the response.
const app = new App({ waf: { mode: 'off' }, serverHeader: false })
app.all('/*', (req, res) =>
  res.json({ method: req.method, target: req.target, host: req.host, headers: req.rawHeaders, body: req.text() }),
)

/**
 * The responses to `reads`. A `100 Continue` is left out: it invites a body that has not arrived,
 * so it rightly depends on where the head's read ended (RFC 9110 §10.1.1 lets a server omit it).
 */
async function answer(reads: Buffer[]): Promise<string> {
  return (await servedText(app, { input: reads })).replaceAll('HTTP/1.1 100 Continue\r\n\r\n', '')
}

describe('split invariance: the same responses however the bytes are split', () => {
  const corpus = [...new Set([...SEEDS, ...gatherSpecRequests()])]

  it("has the spec suites' raw requests to replay", () => {
    expect(corpus.length).to.be.greaterThan(SEEDS.length + 50)
  })

  it('answers every request of the corpus the same at every split point and byte by byte', async function () {
    this.timeout(120_000)
    for (const text of corpus) {
      const bytes = Buffer.from(text, 'latin1')
      const whole = await answer([bytes])
      const byteByByte = await answer([...bytes].map((b) => Buffer.from([b])))
      expect(byteByByte, `byte by byte: ${JSON.stringify(text)}`).to.equal(whole)
      for (let at = 1; at < bytes.length; at++) {
        const split = await answer([bytes.subarray(0, at), bytes.subarray(at)])
        if (split !== whole) expect(split, `split at ${at}: ${JSON.stringify(text)}`).to.equal(whole)
      }
    }
  })
})
