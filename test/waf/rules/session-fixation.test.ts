import { expect } from 'chai'
import { isSessionName, setsCookie } from '../../../waf/rules/session-fixation.js'
import { Waf } from '../../../waf/waf.js'
import { head } from '../corpus/request-builder.js'

describe('session fixation', () => {
  it('knows session-id names by their parts, not a list of frameworks', () => {
    const names = [
      'appsession',
      'my.sid',
      'x_sess_key',
      'sso:sid',
      'cfid',
      'user_login_token',
      'side',
      'sidebar',
      'consider',
      'token',
      'id',
    ]
    expect(names.map(isSessionName)).to.deep.equal([
      true,
      true,
      true,
      true,
      true,
      true,
      false,
      false,
      false,
      false,
      false,
    ])
  })

  it('knows the session cookies of frameworks whose names carry no such part', () => {
    expect(['cakephp', 'cfsid', 'zenid', 'shiny-token', 'cake', 'token-shiny'].map(isSessionName)).to.deep.equal([
      true,
      true,
      true,
      true,
      false,
      false,
    ])
  })

  it('finds markup and script that set a cookie', () => {
    expect(setsCookie('<img src=x onerror="document.cookie=\'a=b\'">')).to.equal(true)
    expect(setsCookie('<meta http-equiv = "set-cookie" content="a=b">')).to.equal(true)
    expect(setsCookie('if (document.cookie == "") ask()')).to.equal(false)
    expect(setsCookie('a cookie = a small file')).to.equal(false)
  })

  const waf = new Waf({ mode: 'strict' })
  it('blocks a session id in the query unless the Referer names the Host', () => {
    const target = '/signin?appsession=k3y'
    expect(waf.checkHead(head('GET', target, ['Host', 'shop.example']))).to.deep.equal({
      ruleId: 'session-fixation',
      category: 'session-fixation',
      matched: 'appsession',
      blocked: true,
    })
    expect(
      waf.checkHead(head('GET', target, ['Host', 'shop.example', 'Referer', 'https://elsewhere.example/x']))?.ruleId,
    ).to.equal('session-fixation')
    expect(
      waf.checkHead(head('GET', target, ['Host', 'shop.example:8443', 'Referer', 'https://u@SHOP.example:8443/cart'])),
    ).to.equal(null)
  })

  it('blocks one in a form or JSON body, and leaves cookies and the Referer query alone', () => {
    const post = head('POST', '/signin', ['Host', 'shop.example'])
    expect(waf.checkBody(post, Buffer.from('user=a&my.sid=k3y'), 'application/x-www-form-urlencoded')?.ruleId).to.equal(
      'session-fixation',
    )
    expect(waf.checkBody(post, Buffer.from('{"appsession":"k3y"}'), 'application/json')?.ruleId).to.equal(
      'session-fixation',
    )
    expect(
      waf.checkHead(
        head('GET', '/', [
          'Host',
          'shop.example',
          'Cookie',
          'appsession=k3y',
          'Referer',
          'https://a.example/?my.sid=1',
        ]),
      ),
    ).to.equal(null)
  })

  it('is not looked for in basic mode', () => {
    expect(
      new Waf({ mode: 'basic' }).checkHead(head('GET', '/signin?appsession=k3y', ['Host', 'shop.example'])),
    ).to.equal(null)
  })
})
