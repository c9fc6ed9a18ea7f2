import { LiteralSet, type LiteralGuard } from '../literal-set.js'

/** A shell path not in a `#!` line ("#!/bin/bash" heads every script snippet). */
const NOT_SHEBANG: LiteralGuard = (text, start, end) => !/[!/a-z]/.test(text.charAt(start - 1)) && !/[a-z0-9]/.test(text.charAt(end))
/** Shells by absolute path, reverse-shell devices, shellshock, PowerShell download-and-run idioms, Windows batch. */
const SIGNATURES = new LiteralSet([
  ...['sh', 'bash', 'zsh', 'ksh', 'csh', 'tcsh', 'dash', 'nc', 'netcat', 'ncat', 'busybox', 'python', 'perl', 'ruby', 'php', 'wget', 'curl', 'id', 'cat', 'uname', 'whoami']
    .flatMap((c) => [`/bin/${c}`, `/usr/bin/${c}`, `/usr/local/bin/${c}`, `/sbin/${c}`].map((p) => [p, NOT_SHEBANG] as const)),
  '/dev/tcp/', '/dev/udp/', '%comspec%', 'invoke-expression', 'invoke-webrequest', 'invoke-command', 'invoke-restmethod',
  'downloadstring(', 'downloadfile(', 'net.webclient', '-encodedcommand', 'start-process', 'set-executionpolicy',
  ['iex', (text, start, end) => !/[a-z]/.test(text.charAt(start - 1)) && /^\s{0,4}\(/.test(text.slice(end, end + 6))],
  ['() {', (_text, start) => start === 0], ['(){', (_text, start) => start === 0], ['if exist ', (text, start) => !/[a-z]/.test(text.charAt(start - 1))],
])

/** Commands with no meaning outside a shell: flagged after any separator, even without arguments. */
const STRONG = new Set([
  'whoami', 'ifconfig', 'ipconfig', 'uname', 'systeminfo', 'netstat', 'powershell', 'pwsh', 'cmd', 'cmd.exe',
  'certutil', 'bitsadmin', 'wmic', 'mshta', 'rundll32', 'regsvr32', 'tasklist', 'taskkill', 'busybox', 'nc.exe',
  'ncat', 'netcat', 'getent', 'useradd', 'usermod', 'xterm', 'hostname', 'nslookup', 'net.exe', 'passwd',
  'crontab', 'chmod', 'chown', 'bash', 'zsh', 'ksh', 'csh', 'tcsh', 'dash', 'wget', 'curl', 'telnet', 'nohup',
  'sh', 'nc', 'socat', 'base64', 'xxd', 'perl', 'python', 'python3', 'ruby', 'php', 'lua', 'nmap', 'tftp',
  'scp', 'rsync', 'dig', 'traceroute', 'tracert', 'arp', 'route', 'iptables', 'sudo', 'su', 'killall',
  'pkill', 'printenv', 'lsof', 'ps', 'ls', 'id', 'pwd', 'cat', 'uptime', 'ver', 'dir',
])
/** Of those, the ones that are also everyday words or tools named in prose: they need a shell-like argument. */
const WORDLIKE = new Set([
  'cat', 'dir', 'id', 'route', 'dash', 'ver', 'su', 'dig', 'arp', 'ps', 'python', 'python3', 'ruby', 'php',
  'lua', 'perl', 'curl', 'wget', 'bash', 'sh', 'hostname', 'passwd', 'base64', 'ls', 'pwd', 'scp', 'rsync',
])
/** Everyday words that are also commands: flagged only with a shell-like argument. */
const WEAK = new Set([
  'echo', 'sleep', 'ping', 'find', 'type', 'more', 'set', 'env', 'rm', 'cp', 'mv', 'head', 'tail', 'grep',
  'awk', 'sed', 'sort', 'touch', 'kill', 'net', 'who', 'less', 'timeout', 'printf', 'mkdir', 'rmdir',
  'del', 'copy', 'start', 'exit', 'export', 'source', 'eval', 'exec', 'nl', 'od', 'strings', 'tac', 'rev',
  'wc', 'cut', 'tee', 'xargs', 'time', 'usleep', 'expr', 'test', 'call', 'systemctl', 'service', 'reg',
])
/** Commands that are an attack even as a whole value: nobody searches for "whoami" or names a field "ifconfig". */
const ALONE = new Set(['whoami', 'ifconfig', 'ipconfig', 'systeminfo', 'netstat', 'uname', 'tasklist', 'getent', 'printenv'])
/** Short commands that run bare after a separator (`;id;`), unlike `cat` in "dog; cat; bird". */
const BARE = new Set(['id', 'ls', 'pwd', 'ver', 'dir', 'ps', 'uname'])
/** Text filters documentation pipes into; piping into them reads as an example, not an attack. */
const PIPE_FILTERS = new Set(['head', 'tail', 'grep', 'sort', 'less', 'more', 'wc', 'cut', 'tee', 'xargs', 'awk', 'sed', 'uniq', 'tr', 'jq'])
const NUMBER_ARGUMENT = new Set(['sleep', 'ping', 'kill', 'timeout', 'usleep', 'exit', 'head', 'tail'])
const QUOTED_ARGUMENT = new Set(['echo', 'printf', 'eval', 'exec', 'expr'])

/**
 * OS command injection: a shell separator (`;`, `|`, `&`, `$(`, a backtick, a newline outside bodies)
 * followed by a command. Quotes, backslashes and carets that shells drop inside words (`c'a't`,
 * `w\hoami`, `who^ami`) are removed first; `${IFS}`, shellshock, `/dev/tcp/` and `/???/c?t` globs are
 * attacks on their own. Prose keeps its semicolons: everyday words like `cat` or `sleep` count only
 * with a shell-like argument (`-x`, `/path`, `$VAR`, a number for sleep).
 *
 * @param value - the normalised (decoded, lower-cased) value
 * @param newlineSeparates - whether a line break separates commands (not in text bodies)
 * @returns whether the value reads as a shell command injection
 * @example
 * ```ts
 * detectCmdi(';cat /etc/passwd', true) // true
 * detectCmdi('cats; sleep well', true) // false
 * ```
 */
export function detectCmdi(value: string, newlineSeparates: boolean): boolean {
  if (SIGNATURES.test(value)) return true
  if (value.indexOf('$') !== -1 && /\$\{?ifs\b|\$\{[a-z_]{1,16}:[0-9]/.test(value)) return true
  if (value.indexOf('?') !== -1 && /\/[a-z]{0,2}\?[a-z?]{0,2}\//.test(value)) return true
  if (value.indexOf('/') !== -1 && /\b(?:for\s{1,4}\/[fdlr]|cmd(?:\.exe)?\s{1,4}\/[ck])\s/.test(value)) return true
  const text = /['"\\^]|\$@/.test(value) ? value.replace(/\$@|['"^]|\\(?=[a-z])/g, '') : value
  let first = 0
  while (first < text.length && text.charCodeAt(first) <= 32 && !(newlineSeparates && text.charCodeAt(first) === 10)) first++
  if (commandAt(text, first, Separator.Start)) return true
  // Prose never opens with a command separator: after a leading `;`, `&` or line break (or a lone
  // leading `|`, not a markdown table row) any command word counts.
  const lead = text.charCodeAt(first)
  const leading = lead === 59 || lead === 38 || lead === 10 || (lead === 124 && text.indexOf('|', first + 1) === -1)
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 59 || c === 124 || c === 38 || (c === 10 && newlineSeparates) || (c === 13 && newlineSeparates)) {
      const pipe = c === 124 && text.charCodeAt(i + 1) !== 124 && text.charCodeAt(i - 1) !== 124
      if (commandAt(text, i + 1, leading ? Separator.Leading : pipe ? Separator.Pipe : Separator.Operator)) return true
    } else if (c === 96) {
      // A backtick after a space or another backtick opens markdown code ("the `id` field", a ```sh
      // fence); glued to a word or at the start it is command substitution.
      const glued = i === 0 || isWordChar(text.charCodeAt(i - 1)) || text.charCodeAt(i - 1) === 61
      if (commandAt(text, i + 1, glued ? Separator.Substitution : Separator.Backtick)) return true
    } else if (c === 36 && text.charCodeAt(i + 1) === 40) {
      if (commandAt(text, i + 2, Separator.Substitution)) return true
    }
  }
  return false
}

/** What comes before a command word. */
const enum Separator {
  /** The start of the value. */
  Start,
  /** `;`, `||`, `&` or a line break. */
  Operator,
  /** A single `|`: piping into a text filter (`| head -5`) is how documentation reads. */
  Pipe,
  /** Any separator in a value that opens with a separator. */
  Leading,
  /** A backtick after whitespace: markdown code or substitution. */
  Backtick,
  /** `$(` or a backtick glued to a word: command substitution. */
  Substitution,
}

/**
 * Reads the command word at `at` (after spaces, repeated separators, `{` or `(`, and a path such as
 * `/bin/`) and decides from its argument.
 */
function commandAt(text: string, at: number, separator: Separator): boolean {
  let i = at
  while (i < text.length && isFiller(text.charCodeAt(i))) i++
  const braced = i > 0 && text.charCodeAt(i - 1) === 123
  let start = i
  let hasPath = false
  while (i < text.length && isWordChar(text.charCodeAt(i))) {
    if (text.charCodeAt(i) === 47) {
      hasPath = true
      start = i + 1
    }
    i++
  }
  if (i === start) return false
  let word = text.slice(start, i)
  if (word.endsWith('.exe')) word = word.slice(0, -4)
  let j = i
  while (j < text.length && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j++
  const end = j >= text.length
  const next = end ? 0 : text.charCodeAt(j)
  // Bash brace expansion `{cat,/etc/passwd}` separates the word from its argument with a comma.
  const spaced = j > i || end || (braced && next === 44)
  if (braced && next === 44) j++
  const strong = STRONG.has(word)
  if (!strong && !WEAK.has(word)) return false
  if (hasPath && separator !== Separator.Start) return true
  if (!spaced && !isTerminator(next)) return false
  const shellArgument = spaced && !end && isShellArgument(text, j, word)
  const unambiguous = strong && !WORDLIKE.has(word)
  switch (separator) {
    case Separator.Start:
      return (shellArgument && !readsAsProse(text, j)) || (end && ALONE.has(word))
    case Separator.Leading:
      return true
    case Separator.Pipe:
      if (PIPE_FILTERS.has(word)) return false
      return shellArgument || unambiguous || (BARE.has(word) && (end || (isTerminator(next) && next !== 124)))
    case Separator.Backtick:
      return unambiguous || shellArgument
    case Separator.Substitution:
      return strong || shellArgument || next === 41 || next === 96
    default:
      // `|id|` in a markdown table is not a pipe into id; `;id;` and a trailing `;id` are.
      return shellArgument || unambiguous || (BARE.has(word) && (end || (isTerminator(next) && next !== 124)))
  }
}

/** Two or more plain words after the arguments: "ls -la shows hidden files" explains, it does not run. */
function readsAsProse(text: string, from: number): boolean {
  const words = text.slice(from, from + 200).split(/[ \t]{1,8}/)
  let plain = 0
  for (const w of words) if (/^[a-z]{2,}[,.!?]?$/.test(w)) plain++
  return plain >= 2
}

function isShellArgument(text: string, j: number, word: string): boolean {
  const c = text.charCodeAt(j)
  if (c === 45 || c === 47 || c === 36 || c === 126 || c === 62 || c === 60 || c === 37 || c === 42 || c === 123 || c === 92) return true
  if (c === 46) return text.charCodeAt(j + 1) === 47 || text.charCodeAt(j + 1) === 46
  if (c >= 48 && c <= 57) {
    // "sleep 5" and "ping 10.0.0.1" are commands; "sleep 8 hours" is advice.
    let k = j
    while (k < text.length && ((text.charCodeAt(k) >= 48 && text.charCodeAt(k) <= 57) || text.charCodeAt(k) === 46)) k++
    const after = /^[ \t]{0,4}[a-z]/.test(text.slice(k, k + 6))
    return (NUMBER_ARGUMENT.has(word) || STRONG.has(word)) && !after
  }
  if (c === 99 && text.charCodeAt(j + 1) === 58) return true
  if (word === 'net') return /^(?:user|localgroup|group|view|share|use|start|stop|session)\b/.test(text.slice(j, j + 12))
  if (QUOTED_ARGUMENT.has(word)) return c === 39 || c === 34 || c === 96 || c === 36 || text.indexOf('>', j) !== -1
  return false
}

function isTerminator(c: number): boolean {
  return c === 0 || c === 59 || c === 38 || c === 124 || c === 41 || c === 96 || c === 10 || c === 13 || c === 35 || c === 62 || c === 60 || c === 125
}

/** Separators are not fillers: each one starts its own bounded read, which keeps the scan linear. */
function isFiller(c: number): boolean {
  return c === 32 || c === 9 || c === 123 || c === 40
}

function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 45 || c === 47
}
