import { expect } from 'chai'
import { visitBody } from '../../waf/body-values.js'
import { Place } from '../../waf/inspect-value.js'
import { Waf } from '../../waf/waf.js'
import { head } from './corpus/request-builder.js'

const PLACE_NAMES: Readonly<Partial<Record<Place, string>>> = {
  [Place.Name]: 'Name',
  [Place.Body]: 'Body',
  [Place.FileName]: 'FileName',
}

/** Every value `visitBody` hands over, as `place:value`. */
function values(body: string, contentType: string | undefined): string[] {
  const seen: string[] = []
  visitBody(Buffer.from(body, 'latin1'), contentType, (value, place) => {
    seen.push(`${PLACE_NAMES[place] ?? place}:${value}`)
    return false
  })
  return seen
}

describe('visitBody reads a body as a handler can read it, whatever Content-Type says', () => {
  const json = '{"q":"x","n":{"k":["y"]}}'
  for (const contentType of [
    'application/json',
    'image/png',
    'application/octet-stream',
    'application/json, image/png',
    'text/plain',
    undefined,
  ]) {
    it(`walks JSON keys and strings under ${JSON.stringify(contentType)}`, () => {
      expect(values(json, contentType)).to.deep.equal(['Name:q', 'Name:n', 'Name:k', 'Body:y', 'Body:x'])
    })
  }

  it('reads a URL-encoded form under any type, and an unparsable brace body as text', () => {
    expect(values('a=1&b=%27x', 'text/plain')).to.deep.equal(['Name:a', 'Body:1', 'Name:b', 'Body:%27x'])
    expect(values('solo%28', 'application/octet-stream')).to.deep.equal(['Name:solo%28'])
    expect(values('{not json', 'application/json')).to.deep.equal(['Body:{not json'])
  })

  it('reads markup whole, then each attribute value and text node with character references decoded', () => {
    expect(values('<r><a p="x &amp; &#x7B;y&#x7D;">t&lt;b</a><![CDATA[c]]></r>', 'application/xml')).to.deep.equal([
      'Body:<r><a p="x &amp; &#x7B;y&#x7D;">t&lt;b</a><![CDATA[c]]></r>',
      'Body:x & {y}',
      'Body:t<b',
      'Body:c',
    ])
  })

  it('skips a body with a NUL byte that parses as nothing', () => {
    expect(values('\x89PNG\r\n\x1a\n\0\0<a>', 'image/png')).to.deep.equal([])
  })
})

describe('strict mode inspects a mislabelled body', () => {
  const waf = new Waf({ mode: 'strict' })
  const post = head('POST', '/api', ['Host', 'example.com'])
  for (const contentType of ['image/png', 'application/octet-stream', 'application/json, image/png']) {
    it(`blocks an injection in a JSON body sent as ${contentType}`, () => {
      expect(
        waf.checkBody(post, Buffer.from(`{"id":"1' union select password from users--"}`), contentType)?.ruleId,
      ).to.equal('sqli')
    })
  }

  it('blocks an entity-encoded payload in an XML attribute', () => {
    expect(
      waf.checkBody(post, Buffer.from('<r><a v="&lt;img src=x onerror=alert(1)&gt;"/></r>'), 'application/xml')?.ruleId,
    ).to.equal('xss')
  })
})
