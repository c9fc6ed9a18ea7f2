import { expect } from 'chai'
import { readFileSync } from 'node:fs'
import type { WafMode } from '../../waf/waf-mode.js'
import { Waf, type WafRequestHead } from '../../waf/waf.js'

/** A record of `test/waf/dev-corpus/*.json`. */
interface CorpusRecord {
  readonly id: string
  readonly category: string
  readonly method: string
  readonly uri: string
  readonly headers: Readonly<Record<string, string>>
  readonly body_base64?: string
}

const DIR = new URL('../../../test/waf/dev-corpus/', import.meta.url)
const load = (file: string): CorpusRecord[] => JSON.parse(readFileSync(new URL(file, DIR), 'utf8')) as CorpusRecord[]

/**
 * Strict-mode detection per family, in percent, as last measured: a family that drops below its floor
 * fails the suite. Raise a floor when a detector improves; never lower one to let a change land.
 */
const STRICT_FLOORS: Readonly<Record<string, number>> = {
  java: 100,
  lfi: 100,
  php: 89,
  rce: 83,
  rfi: 88,
  'session-fixation': 100,
  sqli: 77.9,
  xss: 80,
}

/** The request as the Session hands it to the WAF: head first, then the body with its Content-Type. */
function blocked(waf: Waf, record: CorpusRecord, mode: WafMode): boolean {
  const headers: string[] = []
  let contentType: string | undefined
  let hasHost = false
  for (const [name, value] of Object.entries(record.headers)) {
    const lower = name.toLowerCase()
    if (lower === 'content-length' || lower === 'transfer-encoding' || lower === 'connection') continue
    if (lower === 'host') hasHost = true
    if (lower === 'content-type') contentType = value
    headers.push(name, Buffer.from(value, 'utf8').toString('latin1'))
  }
  if (!hasHost) headers.unshift('Host', 'localhost')
  const head: WafRequestHead = {
    method: record.method,
    target: Buffer.from(record.uri, 'utf8').toString('latin1'),
    headers,
  }
  if (waf.checkHead(head, mode) !== null) return true
  const body = Buffer.from(record.body_base64 ?? '', 'base64')
  return body.length > 0 && waf.checkBody(head, body, contentType, mode) !== null
}

function percent(part: number, whole: number): string {
  return ((part / whole) * 100).toFixed(1)
}

describe('waf development corpus (CRS regression requests)', function () {
  // About 4,000 checks; a loaded machine may take a while.
  this.timeout(60_000)
  const attacks = load('attacks.json')
  const benign = [...load('benign-crs.json'), ...load('benign.json')]
  const waf = new Waf()

  it('keeps every family at or above its strict-mode floor, and prints the rates', () => {
    const families = [...new Set(attacks.map((r) => r.category))].sort()
    const rows: string[] = []
    const drops: string[] = []
    for (const family of families) {
      const records = attacks.filter((r) => r.category === family)
      const strict = records.filter((r) => blocked(waf, r, 'strict')).length
      const basic = records.filter((r) => blocked(waf, r, 'basic')).length
      const rate = (strict / records.length) * 100
      rows.push(
        `${family.padEnd(17)} strict ${percent(strict, records.length).padStart(5)}%  basic ${percent(basic, records.length).padStart(5)}%  (${records.length})`,
      )
      if (rate < (STRICT_FLOORS[family] ?? 100))
        drops.push(`${family}: ${rate.toFixed(1)}% < floor ${STRICT_FLOORS[family] ?? 100}%`)
    }
    const caught = attacks.filter((r) => blocked(waf, r, 'strict')).length
    rows.push(`${'all'.padEnd(17)} strict ${percent(caught, attacks.length).padStart(5)}%  (${attacks.length})`)
    console.log('      ' + rows.join('\n      '))
    expect(drops).to.deep.equal([])
  })

  it('blocks no benign record in basic mode', () => {
    expect(benign.filter((r) => blocked(waf, r, 'basic')).map((r) => r.id)).to.deep.equal([])
  })

  it('blocks under 0.2% of benign records in strict mode', () => {
    const falsePositives = benign.filter((r) => blocked(waf, r, 'strict')).map((r) => r.id)
    console.log(
      `      benign: ${benign.length} records, strict false positives ${falsePositives.length} ${falsePositives.join(' ')}`,
    )
    expect(falsePositives.length / benign.length).to.be.below(0.002)
  })
})
