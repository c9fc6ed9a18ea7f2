import { expect } from 'chai'
import { detectCodeInjection } from '../../../waf/rules/code-injection.js'
import { Waf } from '../../../waf/waf.js'
import { head } from '../corpus/request-builder.js'

describe('detectCodeInjection: PHP calls by the shape of the call', () => {
  const cases: readonly [string, string, boolean][] = [
    ['a high-risk call with a comment before the parenthesis', 'passthru/**/("id")', true],
    ['a call split from its parenthesis by a line comment', 'proc_open #x\n($c)', true],
    ['a long function name glued to other letters', 'xyzbase64_decode($p)', true],
    ['a variable function', '$fn($arg)', true],
    ['a variable function through indexes and a comment', "$k[1]['z'] /*q*/ (2)", true],
    ['a variable variable called', "${'f'}(1)", true],
    ['a method named by a variable', '$obj->$name()', true],
    ['a parenthesised callee ending a statement', "('pass'.'thru')('id');", true],
    ['a quoted callee ending a statement', '"passthru"(x);', true],
    ['a variable variable with a space', '$ {x}', true],
    ['an everyday word before a parenthesis', 'in the range (0-10)', false],
    ['a name ending in a function name', 'ecosystem()', false],
    ['a function-looking word', 'executor()', false],
    ['a variable followed by a comment', '$a#foo()', false],
    ['an empty index', '$a[]()', false],
    ['math in parentheses', '(1+2)*(3+4)', false],
    ['a JavaScript template', 'total: ${sum}', false],
    ['a callee joined from strings, called at once', "('ex'.'ec')('ls')", true],
    ['a callback handed a high-risk function by name', "usort($a, 'passthru')", true],
    ['a callback handed an ordinary function', "array_filter($rows, 'strlen')", false],
    ['a custom-serialized object', 'c:11:"arrayobject":0:{}', true],
    ['a serialized object with a signed length', 'o:+4:"user":1:{}', true],
    ['a php.ini directive of an extension section', 'mbstring.func_overload=7', true],
    ['a core php.ini directive', 'max_input_vars = 99999', true],
    ['a directive name inside prose', 'set your memory_limit=256M in php.ini', false],
  ]
  for (const [label, value, attack] of cases) {
    it(`${attack ? 'flags' : 'passes'} ${label}: ${JSON.stringify(value)}`, () => {
      expect(detectCodeInjection(value)).to.equal(attack)
    })
  }
})

describe('uploaded script names', () => {
  const waf = new Waf({ mode: 'strict' })
  for (const [header, name, attack] of [
    ['X-File-Name', 'report.phtml', true],
    ['X_Filename', 'shell.php3 . .', true],
    ['X.Filename', 'page. jspx', true],
    ['X-Filename', 'photo.php.png', true],
    ['X-Filename', 'notes.phpinfo.txt', false],
    ['X-Filename', 'holiday.jpg', false],
  ] as const) {
    it(`${attack ? 'blocks' : 'passes'} ${JSON.stringify(name)} in ${header}`, () => {
      expect(waf.checkHead(head('PUT', '/upload', ['Host', 'example.com', header, name]))?.ruleId ?? null).to.equal(
        attack ? 'code-injection' : null,
      )
    })
  }
})
