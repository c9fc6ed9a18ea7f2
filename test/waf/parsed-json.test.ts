import { expect } from 'chai'
import sinon from 'sinon'
import { App } from '../../core/app/app.js'
import { NOT_KEPT, keepParsedJson, takeParsedJson } from '../../waf/parsed-json.js'

describe('waf/parsed-json: the WAF parse of a body handed to req.json()', () => {
  afterEach(() => {
    sinon.restore()
    takeParsedJson('{"flush":true}')
  })

  it('hands a kept value once, for exactly the same text only', () => {
    const value = { a: 1 }
    keepParsedJson('{"a":1}', value)
    expect(takeParsedJson('{"a":2}')).to.equal(NOT_KEPT)
    expect(takeParsedJson('{"a":1}')).to.equal(value)
    expect(takeParsedJson('{"a":1}')).to.equal(NOT_KEPT)
  })

  it('keeps no body longer than 64 KiB', () => {
    const text = JSON.stringify({ big: 'x'.repeat(64 * 1024) })
    keepParsedJson(text, {})
    expect(takeParsedJson(text)).to.equal(NOT_KEPT)
  })

  it('parses a JSON body once when the WAF checked it, and every later req.json() anew', async () => {
    const seen: unknown[] = []
    const app = new App().post('/todos', (req, res) => {
      seen.push(req.json(), req.json())
      res.json(seen[0])
    })
    const parse = sinon.spy(JSON, 'parse')
    const res = await app.inject({ method: 'POST', path: '/todos', body: { title: 'milk', tags: ['a'] } })
    const calls = parse.callCount
    parse.restore()
    expect(res.json()).to.deep.equal({ title: 'milk', tags: ['a'] })
    // The WAF's parse, then the second req.json(): the first took the WAF's value.
    expect(calls).to.equal(2)
    expect(seen[0]).to.deep.equal(seen[1])
    expect(seen[0]).to.not.equal(seen[1])
  })

  it('parses the body itself when the WAF is off, and answers invalid JSON 400 as before', async () => {
    const app = new App({ waf: { mode: 'off' } }).post('/todos', (req) => req.json())
    const ok = await app.inject({ method: 'POST', path: '/todos', body: { a: 1 } })
    expect(ok.json()).to.deep.equal({ a: 1 })
    const bad = await app.inject({
      method: 'POST',
      path: '/todos',
      headers: { 'Content-Type': 'application/json' },
      body: '{"a":',
    })
    expect(bad.status).to.equal(400)
  })
})
