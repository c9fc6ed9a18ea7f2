import {
  APOSTROPHE,
  BACKTICK,
  BANG,
  BRACE,
  BSLASH,
  CARET,
  CTRL,
  DOLLAR,
  DOT,
  DOUBLE_QUOTE,
  GT,
  LT,
  PIPE,
  QMARK,
  SEMI,
  SLASH,
  charClasses,
} from '../char-class.js'
import { Family, scanSignatures } from '../signatures.js'
import { codeAt } from '../char-code.js'
import { AMBIGUOUS_COMMANDS, COMMAND_PREFIXES, SHELL_INTERPRETERS, UNAMBIGUOUS_COMMANDS } from './shell-commands.js'

/**
 * Commands with no meaning outside a shell: flagged after any separator, even without arguments.
 * UNAMBIGUOUS_COMMANDS of `shell-commands.ts` joins below; this list holds only the words beyond it.
 */
const STRONG = new Set(['nc.exe', 'hostname', 'route', 'ps', 'ls', 'pwd', 'cat', 'dir'])
/** Of those, the ones that are also everyday words or tools named in prose: they need a shell-like argument. */
const WORDLIKE = new Set([
  'cat',
  'dir',
  'id',
  'route',
  'dash',
  'ver',
  'su',
  'dig',
  'arp',
  'ps',
  'python',
  'python3',
  'ruby',
  'php',
  'lua',
  'perl',
  'curl',
  'wget',
  'bash',
  'sh',
  'hostname',
  'passwd',
  'base64',
  'ls',
  'pwd',
  'scp',
  'rsync',
])
/**
 * Everyday words that are also commands: flagged only with a shell-like argument.
 * AMBIGUOUS_COMMANDS of `shell-commands.ts` joins below; this list holds only the words beyond it.
 */
const WEAK = new Set([
  'awk',
  'sed',
  'timeout',
  'nl',
  'od',
  'strings',
  'tac',
  'rev',
  'xargs',
  'systemctl',
  'service',
  'reg',
])
for (const word of UNAMBIGUOUS_COMMANDS) STRONG.add(word)
/** PowerShell's aliases and cmdlets that read, fetch or run: no other language spells them. */
for (const word of [
  'gci',
  'gcm',
  'gwmi',
  'icm',
  'iwr',
  'irm',
  'sal',
  'saps',
  'sls',
  'gsv',
  'gdr',
  'get-childitem',
  'get-content',
  'get-process',
  'get-wmiobject',
  'get-ciminstance',
  'new-object',
  'set-alias',
  'set-content',
  'add-content',
  'out-file',
  'remove-item',
  'copy-item',
  'invoke-item',
  'select-string',
  'schtasks',
  'vssadmin',
  'bcdedit',
  'cscript',
  'wscript',
  'msiexec',
  'reg.exe',
])
  STRONG.add(word)
for (const word of AMBIGUOUS_COMMANDS) if (!STRONG.has(word)) WEAK.add(word)
/** Program names of the vocabulary that are also short or everyday words: they need a shell-like argument. */
for (const word of [
  'file',
  'stat',
  'users',
  'groups',
  'script',
  'expect',
  'restore',
  'dump',
  'at',
  'batch',
  'join',
  'paste',
  'comm',
  'diff',
  'split',
  'make',
  'control',
  'node',
  'ip',
  'ss',
  'ar',
  'ex',
  'ed',
  'hh',
  'sc',
  'reg',
  'dd',
  'ln',
  'pr',
  'nl',
  'od',
  'zip',
  'tar',
  'watch',
  'timeout',
  'mount',
  'apt',
  'screen',
  'finger',
  'ftp',
  'ssh',
  'mc',
  'joe',
  'pico',
  'nano',
  'emacs',
  'vi',
  'vim',
  'gem',
  'pip',
  'npm',
  'docker',
  'knife',
  'salt',
  'puppet',
  'rar',
  'fmt',
  'cc',
  'tcc',
  'sar',
  'mtr',
  'snap',
  'service',
  'expand',
  'cipher',
  'attrib',
  'runas',
  'fold',
  'column',
  'rev',
  'tac',
  'strings',
  'whois',
  'host',
  'perf',
  'xargs',
  'watch',
  'fish',
  'ash',
  'wish',
  'control',
  'lynx',
  'axel',
  'yum',
  'dnf',
  'rpm',
  'gcc',
  'clang',
  'awk',
  'sed',
  'jq',
  'tmux',
  'ansible',
])
  WORDLIKE.add(word)
// The ways TARGETS_SYSTEM's arguments reach into the system.
const SYSTEM_DIRECTORY = String.raw`(?:^|[\s=])(?:\/(?:etc|tmp|dev|bin|sbin|proc|root|usr\/bin|var\/www)\b|~\/\.)`
const PIPE_INTO_SHELL = String.raw`\|\s{0,4}(?:ba|z)?sh\b`
const REDIRECT_TO_PATH = String.raw`\s>{1,2}\s{0,4}[/~]`
/** `-e /bin/sh`: netcat's and the interpreters' option that runs a program. */
const EXECUTE_OPTION_PATH = String.raw`-e\s{1,4}\/`
const WINDOWS_VARIABLE = '%[a-z]{3,20}%'
const WINDOWS_DRIVE = String.raw`c:\\`
/** Arguments that reach into the system: its directories, a raw IP, a pipe into a shell, a redirect. */
const TARGETS_SYSTEM = new RegExp(
  [SYSTEM_DIRECTORY, PIPE_INTO_SHELL, REDIRECT_TO_PATH, EXECUTE_OPTION_PATH, WINDOWS_VARIABLE, WINDOWS_DRIVE].join('|'),
)
const SEPARATOR = /[;|&\n\r`!]|\$\(|<<<|[<>]\(/
/** The classes of every character SEPARATOR can start on. */
const SEPARATOR_CHARS = SEMI | PIPE | CTRL | BACKTICK | BANG | DOLLAR | LT | GT
/** The classes of the characters the evasion readings rewrite: quotes, backslash, caret, `$`. */
const EVASION_CHARS = APOSTROPHE | DOUBLE_QUOTE | BSLASH | CARET | DOLLAR
const CANDIDATE = /(?:[;|&\n\r`!]|\$\(|<<<|[<>]\()(?=[ \t{(]{0,16}[a-z0-9_./$-])/g
// The alternatives of EVASIONS, each something a shell drops from a word.
const SPECIAL_PARAMETER = String.raw`\$@|(?<=[a-z0-9_/])\$[*!?#$0-9-](?=[a-z/])`
const EMPTY_EXPANSION = String.raw`\$\(\)|\$\{\}`
const QUOTE_OR_CARET = `['"^]`
const LINE_CONTINUATION = String.raw`\\\r?\n`
const BACKSLASH_BEFORE_LETTER = String.raw`\\(?=[a-z])`
const VARIABLE_INSIDE_WORD = String.raw`(?<=[a-z])\$\{[a-z_][a-z0-9_]{0,16}\}(?=[a-z])`
const VARIABLE_ENDING_WORD = String.raw`(?<=[a-z])\$\{?[a-z_][a-z0-9_]{0,16}\}?(?=[ \t]|$)`
/**
 * What shells drop from a word before running it: quotes and carets (`c'a't`, `who^ami`), a
 * backslash before a letter, a backslash-newline (a line continuation), `$@` and the other special
 * parameters between letters (`c$*at`), empty `$()` and `${}`, and an unset variable glued to the
 * end of a command (`sh$x -c`).
 */
const EVASIONS = new RegExp(
  [
    SPECIAL_PARAMETER,
    EMPTY_EXPANSION,
    QUOTE_OR_CARET,
    LINE_CONTINUATION,
    BACKSLASH_BEFORE_LETTER,
    VARIABLE_INSIDE_WORD,
    VARIABLE_ENDING_WORD,
  ].join('|'),
  'g',
)
/** Every EVASIONS alternative but the quotes and the caret needs a `$` or a `\`. */
const QUOTES_AND_CARETS = /['"^]/g

/**
 * `text` with EVASIONS dropped; `chars` are the classes of `text` or of a value it was cut from.
 * Prose has apostrophes but rarely `$` or `\`: then only quotes and carets can go, a plain class scan.
 */
function dropEvasions(text: string, chars: number): string {
  return (chars & (DOLLAR | BSLASH)) === 0 ? text.replace(QUOTES_AND_CARETS, '') : text.replace(EVASIONS, '')
}

/**
 * Commands that are an attack even as a whole value: nobody searches for "whoami" or names a field "ifconfig".
 *
 * @example
 * ```ts
 * ALONE_COMMANDS.has('whoami') // true
 * ```
 */
export const ALONE_COMMANDS: ReadonlySet<string> = new Set([
  'whoami',
  'ifconfig',
  'ipconfig',
  'systeminfo',
  'netstat',
  'uname',
  'tasklist',
  'getent',
  'printenv',
])
/** Short commands that run bare after a separator (`;id;`), unlike `cat` in "dog; cat; bird". */
const BARE = new Set(['id', 'ls', 'pwd', 'ver', 'dir', 'ps', 'uname'])
/** Text filters documentation pipes into; piping into them reads as an example, not an attack. */
const PIPE_FILTERS = new Set([
  'head',
  'tail',
  'grep',
  'sort',
  'less',
  'more',
  'wc',
  'cut',
  'tee',
  'xargs',
  'awk',
  'sed',
  'uniq',
  'tr',
  'jq',
])
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
 * @param chars - the value's `charClasses`, when the caller already has them
 * @returns whether the value reads as a shell command injection
 * @example
 * ```ts
 * detectCmdi(';cat /etc/passwd', true) // true
 * detectCmdi('cats; sleep well', true) // false
 * ```
 */
export function detectCmdi(
  value: string,
  newlineSeparates: boolean,
  hits: number = scanSignatures(value),
  chars: number = charClasses(value),
): boolean {
  // Each gate on `chars` stands for the character its check needs; without it the check cannot match.
  if ((hits & Family.Shell) !== 0) return true
  if ((chars & DOLLAR) !== 0 && /\$\{?ifs\b|\$\{[a-z_]{1,16}:[0-9]/.test(value)) return true
  if ((chars & QMARK) !== 0 && /\/[a-z]{0,2}\?[a-z?]{0,2}\//.test(value)) return true
  if ((chars & SLASH) !== 0 && /\b(?:for\s{1,4}\/[fdlr]|cmd(?:\.exe)?\s{1,4}\/[ck])\s/.test(value)) return true
  if (hasShellConstruct(value, chars)) return true
  if (
    (chars & CTRL) !== 0 &&
    (value.indexOf('\n') !== -1 || value.indexOf('\r') !== -1) &&
    MAIL_COMMAND_LINE.test(value)
  )
    return true
  // `\ls`: a backslash before a command skips aliases and shell functions; no prose opens so.
  if (codeAt(value, 0) === 92) {
    const escaped = ESCAPED_COMMAND.exec(value)
    if (escaped !== null && STRONG.has(escaped[1])) return true
  }
  if ((chars & EVASION_CHARS) !== 0 && hasObfuscatedCommand(value, chars)) return true
  // Without a separator only a command opening the value can count: when the first word, freed of
  // evasions, is no command, the whole value needs no rewriting (prose with apostrophes, the common case).
  const separated = (chars & SEPARATOR_CHARS) !== 0 && SEPARATOR.test(value)
  if (!separated && !opensWithCommandWord(value, chars)) return false
  const text = (chars & EVASION_CHARS) !== 0 && /['"\\^]|\$/.test(value) ? dropEvasions(value, chars) : value
  let first = 0
  while (first < text.length && codeAt(text, first) <= 32 && !(newlineSeparates && codeAt(text, first) === 10)) first++
  if (commandAt(text, first, Separator.Start)) return true
  // Dropping evasions never makes a separator, so a value without one yields a text without one.
  if (!separated || !SEPARATOR.test(text)) return false
  // Prose never opens with a command separator: after a leading `;`, `&&`, `& ` or line break (or a
  // lone leading `|`, not a markdown table row) any command word counts. `&copy;` is an entity.
  const lead = codeAt(text, first)
  const next = codeAt(text, first + 1)
  const leading =
    lead === 59 ||
    lead === 10 ||
    (lead === 38 && (next === 38 || next <= 32)) ||
    (lead === 124 && text.indexOf('|', first + 1) === -1)
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
      const separator = fenced
        ? Separator.Fenced
        : leading
          ? Separator.Leading
          : pipe
            ? Separator.Pipe
            : Separator.Operator
      if (commandAt(text, i + 1, separator)) return true
    } else if (c === 96) {
      // A backtick after a space or another backtick opens markdown code ("run `ls -la`", a ```sh
      // fence); glued to a word or at the start it is command substitution.
      const glued = i === 0 || isWordChar(codeAt(text, i - 1)) || codeAt(text, i - 1) === 61
      if (glued && commandAt(text, i + 1, Separator.Substitution)) return true
    } else if (c === 36 && codeAt(text, i + 1) === 40) {
      if (commandAt(text, i + 2, Separator.Substitution)) return true
    } else if (c === 60 && codeAt(text, i + 1) === 60) {
      // A here-string (`cat<<<ifconfig`) feeds its word to the command before it.
      if (commandAt(text, i + 3, Separator.Substitution)) return true
    } else if ((c === 60 || c === 62) && codeAt(text, i + 1) === 40) {
      if (commandAt(text, i + 2, Separator.Substitution)) return true
    } else if (c === 33) {
      // `!cmd` is a shell escape in vi, gdb and less, and history expansion in bash; `#!` is a shebang line.
      if (codeAt(text, i - 1) !== 35 && commandAt(text, i + 1, Separator.Operator)) return true
    }
  }
  return false
}

/** Whether the first word of the value, with what shells drop inside words removed, is a command word. */
function opensWithCommandWord(value: string, chars: number): boolean {
  // Called only for values without a separator, so no line break can open one here.
  let first = 0
  while (
    first < value.length &&
    (codeAt(value, first) <= 32 || isFiller(codeAt(value, first)) || isQuote(codeAt(value, first)))
  )
    first++
  // Evasions sit inside a word, and the word ends at a space or a tab: its first 128 characters say enough.
  let end = first
  let evasive = false
  for (; end < value.length && end - first < 128; end++) {
    const c = codeAt(value, end)
    if (c === 32 || c === 9) break
    if (c === 39 || c === 34 || c === 92 || c === 94 || c === 36) evasive = true
  }
  // Without an evasion character the word is read in place: only the command word itself is cut out.
  let text = value
  let i = first
  if ((chars & EVASION_CHARS) !== 0 && evasive) {
    text = dropEvasions(value.slice(first, end), chars)
    i = 0
    end = text.length
  }
  while (i < end && isFiller(codeAt(text, i))) i++
  let start = i
  while (i < end && isWordChar(codeAt(text, i))) {
    if (codeAt(text, i) === 47) start = i + 1
    i++
  }
  if (i === start) return false
  // Most first words are no command: the shape filter says so before the word is cut out.
  const stem = i - start > 4 && text.startsWith('.exe', i - 4) ? i - 4 : i
  const last = codeAt(text, stem - 1)
  if (!(last >= 48 && last <= 57) && !mayBeCommand(text, start, stem)) return false
  let word = text.slice(start, stem)
  if (STRONG.has(word) || WEAK.has(word)) return true
  if (!endsWithDigit(word)) return false
  word = word.replace(VERSION_SUFFIX, '')
  return STRONG.has(word) || WEAK.has(word)
}

/**
 * Marks the (first letter, last letter, length) shapes of the command words; a word of no marked
 * shape is no command.
 */
const COMMAND_SHAPES = new Uint8Array(1 << 16)
for (const word of [...STRONG, ...WEAK]) COMMAND_SHAPES[shapeOf(word, 0, word.length)] = 1

function shapeOf(text: string, start: number, end: number): number {
  return ((codeAt(text, start) * 31 + codeAt(text, end - 1)) * 64 + Math.min(end - start, 63)) & 0xffff
}

/** Whether `text[start, end)` has the shape of some command word: a filter, exact in the negative. */
function mayBeCommand(text: string, start: number, end: number): boolean {
  return COMMAND_SHAPES[shapeOf(text, start, end)] === 1
}

/** Evasion characters between two letters of a word: `c''at`, `w\\ho`, `ti"m"e`, `who^ami`, `c$@at`. */
const IN_WORD_EVASIONS = /[a-z](?:''|""|['"^\\]|\$@|\$\{\}|\$\(\)|\$\{[a-z_][a-z0-9_]{0,16}\})[a-z]/g

/**
 * A word with quotes, carets or backslashes between its letters that names a command once they are
 * dropped: nobody writes `c'a't` except to get `cat` past a filter. Prose apostrophes (`it's`,
 * `rock'n'roll`) spell no command.
 */
function hasObfuscatedCommand(value: string, chars: number): boolean {
  // Only the words around an evasion are read: each match is widened to its word, so prose costs one scan.
  IN_WORD_EVASIONS.lastIndex = 0
  let match: RegExpExecArray | null
  let checkedTo = 0
  while ((match = IN_WORD_EVASIONS.exec(value)) !== null) {
    let start = match.index
    if (start < checkedTo) continue
    while (start > 0 && match.index - start < 64 && !isTokenBreak(codeAt(value, start - 1))) start--
    let end = match.index + match[0].length
    while (end < value.length && end - start < 64 && !isTokenBreak(codeAt(value, end))) end++
    checkedTo = end
    IN_WORD_EVASIONS.lastIndex = end
    // Prose contractions (`don't`, `it's`) spell no command: their shape says so before any cut.
    if ((chars & (DOLLAR | BSLASH)) === 0 && !maySpellCommand(value, start, end)) continue
    const token = value.slice(start, end)
    let word = dropEvasions(token, chars)
    const slash = word.lastIndexOf('/')
    if (slash !== -1) word = word.slice(slash + 1)
    if (word.endsWith('.exe')) word = word.slice(0, -4)
    // `I'd` reads as `id`: a two-letter command needs more than one dropped character.
    if ((STRONG.has(word) || WEAK.has(word)) && (word.length > 2 || token.length - word.length > 1)) return true
  }
  return false
}

/**
 * Whether `value[start, end)` with its quotes and carets dropped may be a command word, for a value
 * without `$` or `\` (then dropping evasions drops just those). A slash or a last letter `e`
 * (`.exe`) leaves it to the full reading.
 */
function maySpellCommand(value: string, start: number, end: number): boolean {
  let first = 0
  let last = 0
  let kept = 0
  for (let k = start; k < end; k++) {
    const c = value.charCodeAt(k)
    if (c === 39 || c === 34 || c === 94) continue
    if (c === 47) return true
    if (kept === 0) first = c
    last = c
    kept++
  }
  if (kept === 0) return false
  if (last === 101) return true
  return COMMAND_SHAPES[((first * 31 + last) * 64 + Math.min(kept, 63)) & 0xffff] === 1
}

function isTokenBreak(c: number): boolean {
  return (
    c <= 32 || c === 59 || c === 124 || c === 38 || c === 96 || c === 40 || c === 41 || c === 60 || c === 62 || c === 44
  )
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
  /** After `time`, `nohup`, `sudo` and the like, which run the command that follows. */
  Prefixed,
  /** After such a prefix opening the value: read as the start, but no second prefix is followed. */
  PrefixedStart,
}

/**
 * Reads the command word at `at` (after spaces, repeated separators, `{` or `(`, and a path such as
 * `/bin/`) and decides from its argument.
 */
function commandAt(text: string, at: number, separator: Separator): boolean {
  let i = at
  while (i < text.length && isFiller(codeAt(text, i))) i++
  // `$0` is the running shell: `;$0 -c …` starts another one.
  if (codeAt(text, i) === 36 && codeAt(text, i + 1) === 48 && separator !== Separator.Start) {
    const after = codeAt(text, i + 2)
    if (after === 32 || after === 9 || after === 0 || isTerminator(after)) return true
  }
  // `./x`, `../bin/x`, `/tmp/x`: a program run by its path from the working directory or a folder
  // anyone can write to, where a dropped payload sits; alone or with shell-like arguments, so that
  // "; ./configure is a script" stays prose.
  if (
    separator !== Separator.Start &&
    separator !== Separator.PrefixedStart &&
    DROPPED_PROGRAM.test(text.slice(i, i + 24))
  )
    return true
  // An unset variable before the command expands to nothing: `| $u wget …`.
  if (codeAt(text, i) === 36 && separator !== Separator.Start) {
    let k = i + 1
    while (k < text.length && k - i <= 16 && isIdentifierChar(codeAt(text, k))) k++
    if (k > i + 1 && (codeAt(text, k) === 32 || codeAt(text, k) === 9)) {
      i = k
      while (i < text.length && isFiller(codeAt(text, i))) i++
    }
  }
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
  // `python3.10`, `gcc7.4`: a versioned program is the program.
  if (!STRONG.has(word) && !WEAK.has(word) && endsWithDigit(word)) word = word.replace(VERSION_SUFFIX, '')
  let j = i
  while (j < text.length && (codeAt(text, j) === 32 || codeAt(text, j) === 9)) j++
  const end = j >= text.length
  const next = end ? 0 : codeAt(text, j)
  // Bash brace expansion `{cat,/etc/passwd}` separates the word from its argument with a comma.
  const spaced = j > i || end || (braced && next === 44)
  if (braced && next === 44) j++
  const strong = STRONG.has(word)
  if (!strong && !WEAK.has(word)) return false
  if (
    spaced &&
    !end &&
    COMMAND_PREFIXES.has(word) &&
    separator !== Separator.Prefixed &&
    separator !== Separator.PrefixedStart &&
    prefixedCommand(text, j, separator)
  )
    return true
  if (hasPath && separator !== Separator.Start) return true
  // `sh -c …`, `busybox -c …`, `cmd /c …`, `powershell -command …`: an interpreter handed a command line.
  if (SHELL_INTERPRETERS.has(word) && spaced && !end && INLINE_SCRIPT.test(text.slice(j, j + 64))) return true
  if (!spaced && !isTerminator(next)) return false
  const shellArgument = spaced && !end && isShellArgument(text, j, word)
  const unambiguous = strong && !WORDLIKE.has(word)
  // Piping into a shell or an interpreter runs whatever came before.
  if (separator === Separator.Pipe && SHELL_INTERPRETERS.has(word) && (end || isTerminator(next) || next === 45))
    return true
  switch (separator) {
    case Separator.Start:
    case Separator.PrefixedStart:
      // A whole value that is a command line is also how documentation and snippets look ("ls -la",
      // "curl -X POST https://…"): only a command aimed at the system itself, or one whose name is
      // no word, counts there.
      if (end) return ALONE_COMMANDS.has(word)
      if (unambiguous && !spaced) return next !== 0 && next !== 124
      return shellArgument && !readsAsProse(text, j) && (unambiguous || TARGETS_SYSTEM.test(text.slice(j)))
    case Separator.Prefixed:
      return unambiguous || shellArgument
    case Separator.Leading:
      return true
    case Separator.Fenced:
      return unambiguous
    case Separator.Pipe:
      if (PIPE_FILTERS.has(word)) return false
      return shellArgument || unambiguous || (BARE.has(word) && (end || (isTerminator(next) && next !== 124)))
    case Separator.Substitution:
      // `$(`, `<(` and `>(` open a command: whatever known command follows runs.
      return true
    default:
      // `|id|` in a markdown table is not a pipe into id; `;id;` and a trailing `;id` are.
      return shellArgument || unambiguous || (BARE.has(word) && (end || (isTerminator(next) && next !== 124)))
  }
}

/** Plain words after the arguments: "ls -la shows hidden files" explains, it does not run. */
function readsAsProse(text: string, from: number): boolean {
  const parts = text.slice(from, from + 200).split(/[ \t]{1,8}/)
  let plain = 0
  for (const w of parts) if (/^[a-z]{2,}[,.!?]?$/.test(w)) plain++
  return plain >= 2
}

// MAIL_COMMAND_LINE's commands, by protocol; `[ \t]{1,4}` is the space between a command and its argument.
const SMTP_COMMAND = [
  String.raw`(?:mail[ \t]{1,4}from|rcpt[ \t]{1,4}to)[ \t]{0,4}:[ \t]{0,4}<[^\r\n>]{0,128}>`,
  String.raw`(?:ehlo|helo)[ \t]{1,4}[a-z0-9.-]{1,64}`,
].join('|')
const POP3_COMMAND = String.raw`(?:retr|dele|uidl)[ \t]{1,4}\d{1,8}|apop[ \t]{1,4}[^\s]{1,64}[ \t]{1,4}[0-9a-f]{32}`
/** `AUTH PLAIN`, or any mechanism followed by its base64 initial response. */
const SASL_AUTH =
  String.raw`auth[ \t]{1,4}(?:plain|login|cram-md5|xoauth2|` +
  String.raw`[a-z0-9-]{1,32}[ \t]{1,4}[a-z0-9+/]{8,}={0,2})`
/** An IMAP command after its tag (`a1 login …`). */
const IMAP_COMMAND =
  String.raw`[a-z0-9]{1,8}[ \t]{1,4}(?:` +
  [
    String.raw`login[ \t]{1,4}[^\s]{1,64}[ \t]{1,4}[^\s]{1,64}`,
    String.raw`select[ \t]{1,4}[a-z0-9./"-]{1,64}`,
    String.raw`(?:uid[ \t]{1,4})?fetch[ \t]{1,4}[0-9:*,]{1,16}[ \t].{0,64}`,
    'capability',
    String.raw`authenticate[ \t]{1,4}[a-z0-9-]{1,32}`,
    'logout',
    'starttls',
    String.raw`(?:examine|create|delete|subscribe|status)[ \t]{1,4}[a-z0-9./"-]{1,64}`,
  ].join('|') +
  ')'
/**
 * A line break, then a whole line that is an SMTP, POP3 or IMAP command with its arguments: a value
 * that a mail-sending or mail-reading handler writes to its server connection speaks to that server.
 */
const MAIL_COMMAND_LINE = new RegExp(
  String.raw`[\r\n][ \t]{0,4}(?:${SMTP_COMMAND}|${POP3_COMMAND}|${SASL_AUTH}|${IMAP_COMMAND})[ \t]{0,4}(?:[\r\n]|$)`,
)
const ESCAPED_COMMAND = /^\\([a-z][a-z0-9_]{0,20})(?:$|[ \t;|&])/
const DROPPED_PROGRAM =
  /^(?:\.{1,2}\/|\/tmp\/|\/var\/tmp\/|\/dev\/shm\/)[a-z0-9_.-]{1,32}(?:$|[;&|`)]|[ \t]{1,4}(?:$|[-/$>&|;0-9]))/
/** Options before the one that takes the script, each with at most one word of argument. */
const LEADING_OPTIONS = String.raw`(?:-[a-z]{1,12}[ \t]{1,4}(?:[a-z]{1,12}[ \t]{1,4})?){0,3}`
/** `sh -c`, `perl -e`, `cmd /c`, `cmd /k`, PowerShell's `-Command` and `-EncodedCommand`, `php -r`. */
const SCRIPT_OPTION = String.raw`(?:-c|-e|\/c|\/k|-command|-encodedcommand|-enc|-ec|-r)`
/** An interpreter's option that takes the command line as its argument, with something after it. */
const INLINE_SCRIPT = new RegExp(String.raw`^${LEADING_OPTIONS}${SCRIPT_OPTION}[ \t]{1,4}[^ \t]`)

function isIdentifierChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95
}

const VERSION_SUFFIX = /(?<=[a-z])[0-9][0-9.]{0,8}$/

function endsWithDigit(word: string): boolean {
  const c = codeAt(word, word.length - 1)
  return c >= 48 && c <= 57
}

/** The command after a prefix such as `time` or `nohup`, past its options and numbers (`timeout 5`, `nice -n 5`). */
function prefixedCommand(text: string, from: number, separator: Separator): boolean {
  let i = from
  for (let skipped = 0; skipped < 3; skipped++) {
    const c = codeAt(text, i)
    if (c !== 45 && !(c >= 48 && c <= 57)) break
    while (i < text.length && codeAt(text, i) > 32) i++
    while (i < text.length && codeAt(text, i) <= 32) i++
  }
  // Opening the value, the prefixed command must read as a command line on its own.
  return commandAt(text, i, separator === Separator.Start ? Separator.PrefixedStart : Separator.Prefixed)
}

function isShellArgument(text: string, j: number, word: string): boolean {
  const c = codeAt(text, j)
  if (
    c === 45 ||
    c === 47 ||
    c === 36 ||
    c === 126 ||
    c === 62 ||
    c === 60 ||
    c === 37 ||
    c === 42 ||
    c === 123 ||
    c === 92
  )
    return true
  if (c === 46) return codeAt(text, j + 1) === 47 || codeAt(text, j + 1) === 46
  if (c >= 48 && c <= 57) {
    // "sleep 5" and "ping 10.0.0.1" are commands; "sleep 8 hours" is advice.
    let k = j
    while (k < text.length && ((codeAt(text, k) >= 48 && codeAt(text, k) <= 57) || codeAt(text, k) === 46)) k++
    const after = /^[ \t]{0,4}[a-z]/.test(text.slice(k, k + 6))
    return (NUMBER_ARGUMENT.has(word) || (STRONG.has(word) && !WORDLIKE.has(word))) && !after
  }
  if (c === 99 && codeAt(text, j + 1) === 58) return true
  if (word === 'reg') return /^(?:query|add|delete|save|export|import|load|copy)\b/.test(text.slice(j, j + 8))
  if (word === 'net')
    return /^(?:user|localgroup|group|view|share|use|start|stop|session)\b/.test(text.slice(j, j + 12))
  if (QUOTED_ARGUMENT.has(word)) return c === 39 || c === 34 || c === 96 || c === 36 || text.indexOf('>', j) !== -1
  return false
}

function isTerminator(c: number): boolean {
  return (
    c === 0 ||
    c === 59 ||
    c === 38 ||
    c === 124 ||
    c === 41 ||
    c === 96 ||
    c === 10 ||
    c === 13 ||
    c === 35 ||
    c === 62 ||
    c === 60 ||
    c === 125
  )
}

/** Quotes and the caret, which shells drop inside words. */
function isQuote(c: number): boolean {
  return c === 39 || c === 34 || c === 94
}

/** Separators are not fillers: each one starts its own bounded read, which keeps the scan linear. */
function isFiller(c: number): boolean {
  return c === 32 || c === 9 || c === 123 || c === 40
}

function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 45 || c === 47
}

/** `$[…]` and `$((…))` arithmetic, and `${name#…}`, `${name:-…}`, `${!name}`: expansions only a shell performs. */
const EXPANSION = /\$\[|\$\(\(|\$\{[!#]?[a-z_][a-z0-9_]{0,32}(?:[#%/^,@]|:[-=?+]|:\d)|\$\{[!#:]/
/** Where PATH_GLOB's path starts: the start, or after a space, a separator, `=`, a backtick or `(`. */
const PATH_START = '(?:^|[\\s;|&=`(])'
/** A bracket glob in a path: `/etc/pas[s]wd`, `/[e]tc/`, `/bin/c[a]t`. */
const BRACKET_GLOB = String.raw`\/[a-z0-9/]{0,16}(?:\[[^\]\s]{1,12}\][a-z0-9]{0,12}(?:\/|$|\s)|\[[^\]\s]{1,12}\][a-z])`
const SYSTEM_FOLDER = String.raw`(?:bin|sbin|etc|usr|dev|proc|tmp|var|home|root|usr\/bin|usr\/sbin|usr\/local\/bin)`
/** `/bin/ca?`, `/etc/pass*`: a wildcard in a name inside a system folder. */
const WILDCARD_IN_SYSTEM_FOLDER = String.raw`\/${SYSTEM_FOLDER}\/[a-z]{0,12}[?*]`
/** `/et*` + `/passwd`: a wildcard in a folder name, then more path. */
const WILDCARD_FOLDER = String.raw`\/[a-z]{1,8}[?*][a-z]{0,8}\/[a-z]`
/** A glob standing in for letters of a system path: `/etc/pas[s]wd`, `/[e]tc`, `/bin/ca?`, `/et*` + `/passwd`. */
const PATH_GLOB = new RegExp(
  [BRACKET_GLOB, WILDCARD_IN_SYSTEM_FOLDER, WILDCARD_FOLDER].map((glob) => PATH_START + glob).join('|'),
)
/** A function that calls itself in a pipe or in the background: the fork bomb `:(){ :|:& };:` and its renamings. */
const FORK_BOMB = /([a-z0-9_:.]{1,32})\s{0,4}\(\)\s{0,4}\{[^}]{0,64}?\1[^}]{0,8}?[|&]/
/** A variable assigned and then run as a command: `a=/etc&&b=cat&&$b $a…`. */
const ASSIGNED = /(?:^|[;&|\n])\s{0,4}[a-z_][a-z0-9_]{0,16}=[^\s;&|]{0,64}\s{0,4}(?:;|&&|\|\|)/
const RUN_VARIABLE = /(?:[;&|\n`]|\$\()\s{0,4}\$\{?[a-z_][a-z0-9_]{0,16}\}?(?:\s|\$|$)/
/** SQLite shell dot-commands after a separator: `;.shell …`, `;.system …`. */
const SQLITE_DOT = /(?:[;\n]|\\n)\s{0,4}\.(?:shell|system|sh|databases|tables|dump|read|output|once|import|load)\b/
/**
 * `~+`, `~-`, `~-2`: tilde expansions of the working directories, sent alone; `!-3`, `!!:p`: history
 * expansion (a lone `!!` is an exclamation).
 */
const WHOLE_EXPANSION = /^(?:~[+-]?\d{0,3}|!!:[a-z0-9$^*-]{1,8}|!-?\d{1,3}(?::[a-z0-9$^*-]{1,8})?)$/
/** `alias ls='…'` opening the value or a command: redefines what a later command runs. */
const ALIAS_DEFINITION = /(?:^|[;&|\n`(])\s{0,4}alias\s{1,4}[a-z0-9_.-]{1,32}=/
/** Bash's ANSI-C quoting spelling a word in escapes: `$'\x69\x64'` is `id`. */
const ANSI_C_ESCAPES = /\$'(?:\\x[0-9a-f]{2}|\\[0-7]{3}|\\u[0-9a-f]{4}){2,}/
/** A value that is one braced variable and nothing else: `${cmd}` expands to whatever the shell holds. */
const WHOLE_VARIABLE = /^\$\{[a-z_][a-z0-9_]{0,32}\}$/

/**
 * Shell syntax that is an attack wherever it appears, with or without a known command: arithmetic
 * and parameter-expansion operators, globs in system paths, brace expansion that spells a command,
 * process substitution, self-calling functions, variables assigned and run, tilde and history
 * expansion sent alone. Every pattern is anchored on a rare character and bounded, so the scan is linear.
 */
function hasShellConstruct(value: string, chars: number): boolean {
  if ((chars & DOLLAR) !== 0 && (EXPANSION.test(value) || (ASSIGNED.test(value) && RUN_VARIABLE.test(value))))
    return true
  if ((chars & SLASH) !== 0 && PATH_GLOB.test(value)) return true
  if ((chars & BRACE) !== 0 && (braceExpansion(value) || (value.indexOf('()') !== -1 && FORK_BOMB.test(value))))
    return true
  if ((chars & DOT) !== 0 && SQLITE_DOT.test(value)) return true
  if (value.indexOf('alias') !== -1 && ALIAS_DEFINITION.test(value)) return true
  if (
    (chars & (DOLLAR | APOSTROPHE)) === (DOLLAR | APOSTROPHE) &&
    value.indexOf("$'") !== -1 &&
    ANSI_C_ESCAPES.test(value)
  )
    return true
  const lead = codeAt(value, 0)
  if ((lead === 126 || lead === 33) && value.length <= 12 && value !== '~' && WHOLE_EXPANSION.test(value)) return true
  return (chars & DOLLAR) !== 0 && value.length <= 36 && WHOLE_VARIABLE.test(value)
}

/** `{l,-lh}s`, `c{a,oun}t`, `{,ifconfig}`: a brace list without spaces whose expansions include a command. */
function braceExpansion(value: string): boolean {
  for (let open = value.indexOf('{'); open !== -1; open = value.indexOf('{', open + 1)) {
    // The closing brace is looked for within 64 characters only, so runs of `{` cost a bounded scan each.
    let close = open + 1
    while (close < value.length && close - open <= 64 && codeAt(value, close) !== 125) close++
    if (codeAt(value, close) !== 125) continue
    const inside = value.slice(open + 1, close)
    if (inside.indexOf(',') === -1 || !/^[a-z0-9_.,/ -]*$/.test(inside)) continue
    let start = open
    while (start > 0 && isWordChar(codeAt(value, start - 1))) start--
    let end = close + 1
    while (end < value.length && isWordChar(codeAt(value, end))) end++
    const before = value.slice(start, open)
    const after = value.slice(close + 1, end)
    for (const part of inside.split(',')) {
      const word = (before + part + after).split(' ')[0]
      if (STRONG.has(word) || WEAK.has(word)) return true
    }
  }
  return false
}
