import { expect } from 'chai'
import { Waf } from '../../waf/waf.js'
import { head } from './corpus/request-builder.js'

/**
 * Adversarial inputs: each repeats a unit that makes a naive scanner restart at every position
 * (unclosed quotes, parentheses, tags, template openers, separators, comments, escapes).
 */
const UNITS: readonly string[] = [
  "'((((",
  '<a <a ',
  '<img src=x ',
  '{{{{',
  '${${',
  '#{',
  ';;;;',
  '$($(',
  '`',
  '/*/*',
  '--',
  "''''",
  '"or"',
  'union union ',
  'sleep(sleep(',
  '\\\\',
  '../',
  '....//',
  'javascript:',
  '&#&#x',
  '%25%',
  '%u',
  'on=on=',
  ' onx',
  '|||',
  'a:a:',
  '<%',
  '@(',
  'http://',
  '\r\n',
  '\n;',
  '( ',
  '1 or ',
  "' or '",
  '<!--',
  '<!entity',
  '<script',
  'char(',
  '@@',
  ';a',
  '{{7',
  '${x',
  '%2',
  // Units for the shell-grammar, PHP-call, SQL-dialect, script-reading, Java and path-resolution readings.
  '$[',
  '${a#',
  '<<<',
  '<(',
  '/[a]',
  '{a,',
  'f(){ f|',
  'a=b&&$',
  ';.sh ',
  '~-',
  'time ',
  '| sh',
  '$a(',
  '$a[1]',
  '$ {',
  '(x)(',
  '/*x*/',
  '//\n',
  '::int',
  "'@>'",
  "'x'='",
  'if(1=',
  ') like ',
  'url(',
  '<v:',
  ' onx=',
  '(![]',
  '(document)',
  '["a"]',
  'cnVudGltZQ',
  'java.lang.',
  'x.php. ',
  './',
  'a/../',
  '/.x',
  'sess=',
  '<a b="&lt;',
  '<![CDATA[',
  // Units for the readings of issue 15's second pass: comments as whitespace, SQL-only calls,
  // split queries, aliases, obfuscated words, mail command lines, PHP callbacks and ini lines.
  '/**/',
  'group_concat (',
  "a' ;",
  ') as x ',
  'case when ',
  "c''a",
  'w\\h',
  '\r\nretr 1',
  '\na1 fetch ',
  'copy ',
  'alias a=',
  "$'\\x41",
  "('a'.'b')",
  'usort(',
  'opcache.a=',
  'alert?.(',
  '\\x3c',
  '+adw-a',
  '1.e(',
  'https://1:2:',
  '`a` as ',
  ',1=1',
  'a like a ',
  // Units for the word table and the in-place command word: unknown words shaped like known ones.
  'selectx ',
  "o'neill ",
  'python3.exe',
  'xp_x ',
  "it's union ",
]
const SMALL = 16 * 1024
const RUNS = 5
/** Linear growth quadruples the time when the input quadruples; quadratic growth multiplies it by 16. */
const MAX_RATIO = 8

/**
 * CPU time this process has used, in microseconds: unlike the wall clock it does not count the
 * time other processes on a busy machine held the core, which would otherwise read as growth.
 */
function cpuMicros(): number {
  const { user, system } = process.cpuUsage()
  return user + system
}

function checkTime(waf: Waf, unit: string, bytes: number, place: 'body' | 'query'): number {
  const text = unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes)
  const post = head('POST', '/submit')
  let best = Infinity
  for (let run = 0; run < RUNS; run++) {
    const started = cpuMicros()
    if (place === 'body') waf.checkBody(post, Buffer.from(text), 'text/plain')
    else waf.checkHead(head('GET', '/s?q=' + encodeURIComponent(text)))
    best = Math.min(best, cpuMicros() - started)
  }
  return best
}

describe('waf cost on adversarial input', () => {
  // Generous limits: the target may hold the whole payload, and monitor mode runs every rule on it.
  const waf = new Waf({ mode: 'monitor', maxTargetLength: 64 * SMALL, maxBodyBytes: 64 * SMALL })

  for (const place of ['body', 'query'] as const) {
    it(`grows linearly in the ${place}: 4× the input (${SMALL / 1024} → ${(4 * SMALL) / 1024} KiB) costs under ${MAX_RATIO}× the time`, () => {
      const slow: string[] = []
      const ratio = (unit: string): number =>
        checkTime(waf, unit, 4 * SMALL, place) / checkTime(waf, unit, SMALL, place)
      for (const unit of UNITS) {
        // Many small calls first, so both measurements run optimized code rather than a loop waiting
        // for on-stack replacement on a busy machine.
        for (let warm = 0; warm < 20; warm++) checkTime(waf, unit, SMALL / 16, place)
        // Re-measuring filters garbage-collection pauses and neighbours on a shared machine; a
        // quadratic scan stays near 16× every time.
        let measured = ratio(unit)
        for (let retry = 0; retry < 8 && measured >= MAX_RATIO; retry++) measured = Math.min(measured, ratio(unit))
        if (measured >= MAX_RATIO) slow.push(`${JSON.stringify(unit)} ×${measured.toFixed(2)}`)
      }
      expect(slow).to.deep.equal([])
    })
  }

  it("checks 100 KiB of '(((( in a JSON body in linear time: 4× the input costs under 8× the time", () => {
    const post = head('POST', '/api')
    const time = (bytes: number): number => {
      const body = Buffer.from(JSON.stringify({ q: "'((((".repeat(bytes / 5) }))
      let best = Infinity
      for (let run = 0; run < RUNS; run++) {
        const started = cpuMicros()
        waf.checkBody(post, body, 'application/json')
        best = Math.min(best, cpuMicros() - started)
      }
      return best
    }
    time(10 * 1024)
    expect(time(400 * 1024) / time(100 * 1024)).to.be.below(MAX_RATIO)
  })
})
