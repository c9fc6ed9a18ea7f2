import { expect } from 'chai'
import { detectXss } from '../../../waf/rules/xss.js'
import { Waf } from '../../../waf/waf.js'
import { head } from '../corpus/request-builder.js'

describe('detectXss by context', () => {
  const cases: readonly [string, string, boolean][] = [
    ['a CSS url() loading a script URL, colon left out', 'background:url( vbscript', true],
    ['a CSS url() loading an image', 'background:url(/img/a.png)', false],
    ['a dialog handed over as a callback', 'setInterval(prompt, 9)', true],
    ['a value opening with an attribute break-out and a tag', 'v"><b onx', true],
    ['a break-out after prose', 'he said "hi"> <b>', false],
    ['eval handed to a method', "['x'].forEach(eval)", true],
    ['a dialog named in parentheses in prose', 'please (confirm)', false],
    ['code compiled from a string', "new function('x')", true],
    ['a payload spelled in char codes', 'string.fromcharcode(60,115)', true],
    ['a dialog behind optional chaining', 'prompt?.(1)', true],
    ['a dialog assigned and called', 'f=confirm;f(1)', true],
    ['a tag in JavaScript escapes', '\\x3cimg src=x\\x3e', true],
    ['a namespaced element', '<svg:script href=x>', true],
    ['a property read through comments and spaces', 'window /* x */ . location', true],
    ['a property read by a bracketed string', "(document)['domain']", true],
    ['an unknown handler in attribute position', 'x onfuturething=1', true],
    ['a word starting with on', 'come on=now', false],
    ['JSFuck primitives', 'x=(![]+!![])', true],
    ['a markdown image', '![](pic.png)', false],
  ]
  for (const [label, value, attack] of cases) {
    it(`${attack ? 'flags' : 'passes'} ${label}: ${JSON.stringify(value)}`, () => {
      expect(detectXss(value)).to.equal(attack)
    })
  }

  it('blocks a tag spelled in UTF-7, in a query and in a form, and passes the same letters in prose', () => {
    const waf = new Waf({ mode: 'strict' })
    expect(waf.checkHead(head('GET', '/p?q=%2BADw-img%20src%3Dx%2BAD4-'))?.ruleId).to.equal('xss')
    expect(waf.checkHead(head('GET', '/p?q=+ADw-/b+AD4-'))?.ruleId).to.equal('xss')
    expect(waf.checkHead(head('GET', '/p?q=adw-lane%20roadmap'))).to.equal(null)
  })

  it('checks a Referer that is no plain URL whole, and a plain one by its query', () => {
    const waf = new Waf({ mode: 'strict' })
    expect(waf.checkHead(head('GET', '/', ['Host', 'a.example', 'Referer', '<svg onload=alert(1)>']))?.ruleId).to.equal(
      'xss',
    )
    expect(
      waf.checkHead(head('GET', '/', ['Host', 'a.example', 'Referer', "https://a.example/search?q=it's"])),
    ).to.equal(null)
  })
})
