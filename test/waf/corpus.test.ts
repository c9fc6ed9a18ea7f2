import { expect } from 'chai'
import { Waf } from '../../waf/waf.js'
import { ATTACKS, ATTACK_TARGETS, type AttackCategory } from './corpus/attacks.js'
import { BENIGN_BODIES, BENIGN_HEADER_SETS, BENIGN_MULTIPART, BENIGN_TARGETS, BENIGN_VALUES } from './corpus/benign.js'
import { buildRequest, check, head, multipart, type BuiltRequest, type Placement } from './corpus/request-builder.js'

/** Every payload goes in the query, and again in one other place, in turn. */
const ROTATION: readonly Placement[] = ['form', 'json', 'multipart', 'header', 'cookie', 'referer']
const BENIGN_PLACEMENTS: readonly Placement[] = ['query', 'form', 'json', 'multipart', 'header', 'cookie', 'referer']

interface Attempt {
  readonly label: string
  readonly request: BuiltRequest
}

function attackRequests(category: AttackCategory): Attempt[] {
  const attempts: Attempt[] = []
  ATTACKS[category].forEach((sample, i) => {
    attempts.push({ label: `query ${sample.payload}`, request: buildRequest(sample, 'query') })
    const placement = ROTATION[i % ROTATION.length]
    attempts.push({ label: `${placement} ${sample.payload}`, request: buildRequest(sample, placement) })
  })
  for (const target of ATTACK_TARGETS[category] ?? [])
    attempts.push({ label: `target ${target}`, request: { head: head('GET', target) } })
  return attempts
}

function benignRequests(): Attempt[] {
  const attempts: Attempt[] = []
  for (const value of BENIGN_VALUES) {
    for (const placement of BENIGN_PLACEMENTS)
      attempts.push({
        label: `${placement} ${JSON.stringify(value)}`,
        request: buildRequest({ payload: value }, placement),
      })
  }
  for (const target of BENIGN_TARGETS)
    attempts.push({ label: `target ${target}`, request: { head: head('GET', target) } })
  for (const headers of BENIGN_HEADER_SETS)
    attempts.push({ label: `headers ${headers.join(' ')}`, request: { head: head('GET', '/', headers) } })
  for (const [contentType, body] of BENIGN_BODIES) {
    attempts.push({
      label: `body ${contentType}`,
      request: { head: head('POST', '/submit'), body: Buffer.from(body, 'latin1'), contentType },
    })
  }
  for (const parts of BENIGN_MULTIPART)
    attempts.push({ label: 'multipart form', request: { head: head('POST', '/upload'), ...multipart(parts) } })
  return attempts
}

function blockedLabels(waf: Waf, attempts: readonly Attempt[], wantBlocked: boolean): string[] {
  return attempts.filter((a) => (check(waf, a.request) !== null) === wantBlocked).map((a) => a.label)
}

describe('waf corpus', () => {
  const categories = Object.keys(ATTACKS) as AttackCategory[]
  const strict = new Waf({ mode: 'strict' })
  const basic = new Waf({ mode: 'basic' })
  const benign = benignRequests()

  it('blocks at least 95% of every attack category in strict mode, and prints the rates', () => {
    const rows: string[] = []
    const failures: string[] = []
    let total = 0
    let caught = 0
    for (const category of categories) {
      const attempts = attackRequests(category)
      const missed = blockedLabels(strict, attempts, false)
      const basicCaught = attempts.length - blockedLabels(basic, attempts, false).length
      total += attempts.length
      caught += attempts.length - missed.length
      const rate = (attempts.length - missed.length) / attempts.length
      rows.push(
        `${category.padEnd(17)} strict ${(rate * 100).toFixed(1).padStart(5)}%  basic ${((basicCaught / attempts.length) * 100).toFixed(1).padStart(5)}%  (${attempts.length} requests)`,
      )
      if (rate < 0.95) failures.push(`${category}: ${(rate * 100).toFixed(1)}% — missed ${missed.join(' | ')}`)
    }
    rows.push(`${'all'.padEnd(17)} strict ${((caught / total) * 100).toFixed(1).padStart(5)}%  (${total} requests)`)
    console.log('      ' + rows.join('\n      '))
    expect(failures).to.deep.equal([])
  })

  it('lets every benign request through in strict mode (0 false positives)', () => {
    const blocked = blockedLabels(strict, benign, true)
    console.log(`      benign: ${benign.length} requests, strict false positives ${blocked.length}`)
    expect(blocked).to.deep.equal([])
  })

  it('lets every benign request through in basic mode (0 false positives)', () => {
    expect(blockedLabels(basic, benign, true)).to.deep.equal([])
  })

  it('never blocks in monitor mode yet reports what strict mode would block', () => {
    let events = 0
    const monitor = new Waf({ mode: 'monitor', onBlock: () => events++ })
    const attempts = categories.flatMap(attackRequests)
    const verdicts = attempts.map((a) => check(monitor, a.request))
    expect(verdicts.filter((v) => v?.blocked === true)).to.deep.equal([])
    expect(verdicts.filter((v) => v !== null).length).to.equal(
      attempts.length - blockedLabels(strict, attempts, false).length,
    )
    expect(events).to.be.at.least(verdicts.filter((v) => v !== null).length)
  })
})
