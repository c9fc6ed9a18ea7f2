import { Family, scanSignatures } from '../signatures.js'
import { codeAt } from '../char-code.js'

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
/** Arguments that reach into the system: its directories, a raw IP, a pipe into a shell, a redirect. */
const TARGETS_SYSTEM = /(?:^|[\s=])(?:\/(?:etc|tmp|dev|bin|sbin|proc|root|usr\/bin|var\/www)\b|~\/\.)|\|\s{0,4}(?:ba|z)?sh\b|\s>{1,2}\s{0,4}[/~]|-e\s{1,4}\/|%[a-z]{3,20}%|c:\\/
const SEPARATOR = /[;|&\n\r`]|\$\(/
const CANDIDATE = /(?:[;|&\n\r`]|\$\()(?=[ \t{(]{0,16}[a-z0-9_./-])/g
/**
 * Commands that are an attack even as a whole value: nobody searches for "whoami" or names a field "ifconfig".
 *
 * @example
 * ```ts
 * ALONE_COMMANDS.has('whoami') // true
 * ```
 */
export const ALONE_COMMANDS: ReadonlySet<string> = new Set(['whoami', 'ifconfig', 'ipconfig', 'systeminfo', 'netstat', 'uname', 'tasklist', 'getent', 'printenv'])
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
 * @param hits - the value's `scanSignatures` result, when the caller already has it
 * @returns whether the value reads as a shell command injection
 * @example
 * ```ts
 * detectCmdi(';cat /etc/passwd', true) // true
 * detectCmdi('cats; sleep well', true) // false
 * ```
 */
export function detectCmdi(value: string, newlineSeparates: boolean, hits: number = scanSignatures(value)): boolean {
  if ((hits & Family.Shell) !== 0) return true
  if (value.indexOf('$') !== -1 && /\$\{?ifs\b|\$\{[a-z_]{1,16}:[0-9]/.test(value)) return true
  if (value.indexOf('?') !== -1 && /\/[a-z]{0,2}\?[a-z?]{0,2}\//.test(value)) return true
  if (value.indexOf('/') !== -1 && /\b(?:for\s{1,4}\/[fdlr]|cmd(?:\.exe)?\s{1,4}\/[ck])\s/.test(value)) return true
  const text = /['"\\^]|\$@/.test(value) ? value.replace(/\$@|['"^]|\\(?=[a-z])/g, '') : value
  let first = 0
  while (first < text.length && codeAt(text, first) <= 32 && !(newlineSeparates && codeAt(text, first) === 10)) first++
  if (commandAt(text, first, Separator.Start)) return true
  if (!SEPARATOR.test(text)) return false
  // Prose never opens with a command separator: after a leading `;`, `&&`, `& ` or line break (or a
  // lone leading `|`, not a markdown table row) any command word counts. `&copy;` is an entity.
  const lead = codeAt(text, first)
  const next = codeAt(text, first + 1)
  const leading = lead === 59 || lead === 10 || (lead === 38 && (next === 38 || next <= 32)) || (lead === 124 && text.indexOf('|', first + 1) === -1)
  // A fenced code block is documentation: `cd /tmp && ls -la` in it is an example, so only commands
  // that have no place in an example count there.
  const fenced = text.indexOf('```') !== -1
  // The native regex scan stops only where a word can follow a separator, so runs of separators cost nothing.
  CANDIDATE.lastIndex = 0
  let match: RegExpExecArray | null
  while ((match = CANDIDATE.exec(text)) !== null) {
    const i = match.index
    const c = codeAt(text, i)
    if (c === 59 || c === 124 || c === 38 || (c === 10 && newlineSeparates) || (c === 13 && newlineSeparates)) {
      const pipe = c === 124 && codeAt(text, i + 1) !== 124 && codeAt(text, i - 1) !== 124
      const separator = fenced ? Separator.Fenced : leading ? Separator.Leading : pipe ? Separator.Pipe : Separator.Operator
      if (commandAt(text, i + 1, separator)) return true
    } else if (c === 96) {
      // A backtick after a space or another backtick opens markdown code ("run `ls -la`", a ```sh
      // fence); glued to a word or at the start it is command substitution.
      const glued = i === 0 || isWordChar(codeAt(text, i - 1)) || codeAt(text, i - 1) === 61
      if (glued && commandAt(text, i + 1, Separator.Substitution)) return true
    } else if (c === 36 && codeAt(text, i + 1) === 40) {
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
  /** A separator inside a value holding a markdown code fence. */
  Fenced,
  /** `$(` or a backtick glued to a word: command substitution. */
  Substitution,
}

/**
 * Reads the command word at `at` (after spaces, repeated separators, `{` or `(`, and a path such as
 * `/bin/`) and decides from its argument.
 */
function commandAt(text: string, at: number, separator: Separator): boolean {
  let i = at
  while (i < text.length && isFiller(codeAt(text, i))) i++
  const braced = i > 0 && codeAt(text, i - 1) === 123
  let start = i
  let hasPath = false
  while (i < text.length && isWordChar(codeAt(text, i))) {
    if (codeAt(text, i) === 47) {
      hasPath = true
      start = i + 1
    }
    i++
  }
  if (i === start) return false
  let word = text.slice(start, i)
  if (word.endsWith('.exe')) word = word.slice(0, -4)
  let j = i
  while (j < text.length && (codeAt(text, j) === 32 || codeAt(text, j) === 9)) j++
  const end = j >= text.length
  const next = end ? 0 : codeAt(text, j)
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
      // A whole value that is a command line is also how documentation and snippets look ("ls -la",
      // "curl -X POST https://…"): only a command aimed at the system itself counts there.
      if (end) return ALONE_COMMANDS.has(word)
      return shellArgument && !readsAsProse(text, j) && (unambiguous || TARGETS_SYSTEM.test(text.slice(j)))
    case Separator.Leading:
      return true
    case Separator.Fenced:
      return unambiguous
    case Separator.Pipe:
      if (PIPE_FILTERS.has(word)) return false
      return shellArgument || unambiguous || (BARE.has(word) && (end || (isTerminator(next) && next !== 124)))
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
  const c = codeAt(text, j)
  if (c === 45 || c === 47 || c === 36 || c === 126 || c === 62 || c === 60 || c === 37 || c === 42 || c === 123 || c === 92) return true
  if (c === 46) return codeAt(text, j + 1) === 47 || codeAt(text, j + 1) === 46
  if (c >= 48 && c <= 57) {
    // "sleep 5" and "ping 10.0.0.1" are commands; "sleep 8 hours" is advice.
    let k = j
    while (k < text.length && ((codeAt(text, k) >= 48 && codeAt(text, k) <= 57) || codeAt(text, k) === 46)) k++
    const after = /^[ \t]{0,4}[a-z]/.test(text.slice(k, k + 6))
    return (NUMBER_ARGUMENT.has(word) || STRONG.has(word)) && !after
  }
  if (c === 99 && codeAt(text, j + 1) === 58) return true
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
