import vm from 'node:vm'

/** One request test of llhttp's markdown fixtures (`test/request/*.md` in nodejs/llhttp). */
export interface LlhttpFixture {
  /** The fixture file's name, e.g. `sample.md`. */
  readonly file: string
  /** The heading the test is under. */
  readonly name: string
  /** 1-based line of its `http` block in the file. */
  readonly line: number
  /** Its `<!-- meta={…} -->`: `type`, and `mode` when it holds in one of llhttp's modes only. */
  readonly meta: Readonly<Record<string, unknown>>
  /** The bytes the parser is given. */
  readonly input: Buffer
  /** What llhttp's strict parser made of them, from the `log` block. */
  readonly expected: LlhttpVerdict
}

/** The part of llhttp's log that Gatehouse is compared on. */
export interface LlhttpVerdict {
  /** Messages llhttp completed (`message complete` lines) before any error. */
  readonly messages: number
  /** The error's reason when llhttp refused the input, e.g. `Invalid header value char`. */
  readonly error: string | undefined
}

/** Why a fixture is left out of the comparison, or `undefined` when it is compared. */
export function whyNotCompared(fixture: LlhttpFixture): string | undefined {
  const { type, mode } = fixture.meta
  if (type !== 'request' && type !== 'request-only') {
    return typeof type === 'string' && type.startsWith('request-lenient')
      ? `llhttp's lenient flag ${type.slice('request-'.length)}: Gatehouse has no lenient mode`
      : `type ${String(type)}: not a request parsed the strict way`
  }
  if (mode === 'loose') return "llhttp's loose mode only: Gatehouse is compared with strict llhttp"
  if ('pause' in fixture.meta) return "llhttp's callback pausing, which has no counterpart on the wire"
  return undefined
}

/**
 * Reads llhttp's markdown fixture format: a heading names each test; a `<!-- meta={…} -->` comment
 * is followed by an `http` code block (the input) and a `log` block (the parser's callbacks).
 * Inputs are decoded as llhttp's own `md-test.ts` does: the last newline dropped, `\` before a
 * newline joins the lines, every other newline becomes CRLF, then the escapes `\r`, `\n`, `\t`, `\f`,
 * `\xHH`, octal `\NNN` and `${expression}` are replaced.
 *
 * @param file - the file's name, for messages
 * @param text - the file's text
 * @returns every test in the file that has an `http` input, in order
 */
export function parseFixtureFile(file: string, text: string): LlhttpFixture[] {
  const lines = text.split(/\r?\n/)
  const fixtures: LlhttpFixture[] = []
  let heading = ''
  let meta: Record<string, unknown> | undefined
  let input: { text: string; line: number } | undefined
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    const title = /^#{1,6}\s+(.*)$/.exec(line)
    if (title !== null) {
      heading = title[1]!.trim()
      continue
    }
    const comment = /^<!--\s*meta=(.*?)\s*-->$/.exec(line.trim())
    if (comment !== null) {
      meta = JSON.parse(comment[1]!) as Record<string, unknown>
      continue
    }
    const fence = /^```(\w*)\s*$/.exec(line)
    if (fence === null) continue
    const body: string[] = []
    const start = i + 1
    for (i++; i < lines.length && !lines[i]!.startsWith('```'); i++) body.push(lines[i]!)
    const content = body.join('\n')
    if (fence[1] === 'http') input = { text: content, line: start }
    else if (fence[1] === 'log' && input !== undefined) {
      fixtures.push({
        file,
        name: heading,
        line: input.line,
        meta: meta ?? {},
        // llhttp's tests hand the parser the decoded text as UTF-8 (`\xff` is then two bytes).
        input: Buffer.from(decodeInput(input.text), 'utf8'),
        expected: readLog(content),
      })
      input = undefined
      meta = undefined
    }
  }
  return fixtures
}

/** The input of an `http` block, decoded to the text llhttp is given. */
export function decodeInput(content: string): string {
  return content
    .replace(/\\(\r\n|\r|\n)/g, '')
    .replace(/\r\n|\r|\n/g, '\r\n')
    .replace(/\\r/g, '\r')
    .replace(/\\n/g, '\n')
    .replace(/\\t/g, '\t')
    .replace(/\\f/g, '\f')
    .replace(/\\x([0-9a-fA-F]+)/g, (_all, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    .replace(/\\([0-7]{1,3})/g, (_all, digits: string) => String.fromCharCode(parseInt(digits, 8)))
    .replace(/\$\{(.+?)\}/g, (_all, code: string) => String(vm.runInNewContext(code)))
}

/**
 * llhttp's errors that refuse nothing: it pauses at an upgrade (`HPE_PAUSED_UPGRADE`, 21) to hand
 * the connection over, and stops at bytes after a `close` (`HPE_CLOSED_CONNECTION`, 5), which a
 * server reads no further; either way the requests before were accepted and none follows.
 */
const ENDS_WITHOUT_REFUSING: ReadonlySet<string> = new Set(['5', '21'])

/** Reads a `log` block: the messages completed before an error, and the error. */
export function readLog(content: string): LlhttpVerdict {
  let messages = 0
  for (const line of content.split('\n')) {
    const error = /^off=\d+ error code=(\d+) reason="(.*)"$/.exec(line.trim())
    if (error !== null) return { messages, error: ENDS_WITHOUT_REFUSING.has(error[1]!) ? undefined : error[2] }
    if (/ message complete$/.test(line.trim())) messages++
  }
  return { messages, error: undefined }
}
