import { codeAt } from '../char-code.js'
/**
 * The keywords that start a statement of their own: what a stacked query (`; drop …`) or a second
 * statement opens with. The tokenizer's keywords, the stacked-query rule and the signature words
 * that let a value be tokenized at all each include them.
 */
export const STATEMENT_KEYWORDS = [
  'select',
  'insert',
  'update',
  'delete',
  'drop',
  'create',
  'alter',
  'truncate',
  'exec',
  'execute',
  'declare',
  'shutdown',
  'waitfor',
] as const

/**
 * Token classes, in the spirit of libinjection's fingerprint letters.
 *
 * @example
 * ```ts
 * tokenize('1 or 1=1', 0, 8); TYPES[1] === Tok.Logic // true
 * ```
 */
export const enum Tok {
  String = 1, // closed string literal: s
  OpenString, // string that runs to the end of the value
  Number, // 1
  Word, // bareword or identifier: n
  Keyword, // k
  Union, // U
  Func, // known function name followed by '(' : f
  Op, // arithmetic or bitwise operator: o
  Cmp, // comparison: = < > like in is …
  Logic, // and or xor not && ||: &
  LParen,
  RParen,
  Comma,
  Semi,
  Comment, // '--' or '#' to end of line, or an unterminated '/*': c
  Var, // @x, @@version: v
  Bool, // true false null
  Other,
}

const LOGIC = new Set(['and', 'or', 'xor', 'not'])
const CMP = new Set(['like', 'rlike', 'regexp', 'is', 'in', 'between', 'sounds', 'glob'])
const BOOL = new Set(['true', 'false', 'null', 'unknown'])
const UNION = new Set(['union', 'intersect', 'except'])
const OPS = new Set(['div', 'mod'])
const KEYWORDS = new Set([
  ...STATEMENT_KEYWORDS,
  'from',
  'where',
  'into',
  'table',
  'database',
  'schema',
  'values',
  'set',
  'order',
  'group',
  'by',
  'having',
  'limit',
  'offset',
  'procedure',
  'delay',
  'time',
  'all',
  'distinct',
  'distinctrow',
  'top',
  'case',
  'when',
  'then',
  'else',
  'end',
  'outfile',
  'dumpfile',
  'as',
  'join',
  'user',
  'view',
  'index',
  'trigger',
  'function',
  'login',
  'analyse',
  'analyze',
  'dual',
  'cast',
])
/**
 * Names read as functions only when '(' follows, as libinjection does.
 *
 * @example
 * ```ts
 * FUNCTIONS.has('sleep') // true
 * ```
 */
export const FUNCTIONS: ReadonlySet<string> = new Set([
  'sleep',
  'benchmark',
  'pg_sleep',
  'load_file',
  'extractvalue',
  'updatexml',
  'concat',
  'concat_ws',
  'group_concat',
  'char',
  'chr',
  'nchar',
  'ascii',
  'ord',
  'substring',
  'substr',
  'mid',
  'hex',
  'unhex',
  'version',
  'database',
  'user',
  'current_user',
  'system_user',
  'session_user',
  'schema',
  'count',
  'length',
  'len',
  'if',
  'iif',
  'ifnull',
  'isnull',
  'nullif',
  'coalesce',
  'cast',
  'convert',
  'md5',
  'sha1',
  'rand',
  'floor',
  'exp',
  'name_const',
  'row',
  'json_extract',
  'json_keys',
  'xp_cmdshell',
  'sys_eval',
  'sys_exec',
  'randomblob',
  'make_set',
  'elt',
  'get_lock',
  'dbms_pipe.receive_message',
  'dbms_lock.sleep',
  'utl_inaddr.get_host_address',
  'utl_http.request',
  'ctxsys.drithsx.sn',
  'db_name',
  'user_name',
  'to_char',
  'to_number',
  'instr',
  'left',
  'right',
  'reverse',
  'lower',
  'upper',
  'trim',
  'replace',
  'waitfor',
  'exists',
  'select',
  'case',
  'benchmark',
  'sqlite_version',
  'pg_read_file',
  'lo_import',
  // Built-ins of MySQL, PostgreSQL, SQL Server, Oracle and SQLite that injected expressions call.
  'abs',
  'ceil',
  'ceiling',
  'round',
  'truncate',
  'format',
  'ln',
  'log',
  'log2',
  'log10',
  'power',
  'pow',
  'sqrt',
  'sign',
  'pi',
  'random',
  'degrees',
  'radians',
  'sin',
  'cos',
  'tan',
  'atan',
  'max',
  'min',
  'sum',
  'avg',
  'stddev',
  'now',
  'curdate',
  'curtime',
  'sysdate',
  'getdate',
  'current_date',
  'current_time',
  'current_timestamp',
  'date',
  'day',
  'dayname',
  'dayofweek',
  'month',
  'monthname',
  'year',
  'hour',
  'minute',
  'second',
  'quarter',
  'week',
  'weekday',
  'time',
  'timestamp',
  'date_add',
  'date_sub',
  'datediff',
  'date_format',
  'str_to_date',
  'from_unixtime',
  'unix_timestamp',
  'ucase',
  'lcase',
  'values',
  'default',
  'locate',
  'position',
  'lpad',
  'rpad',
  'repeat',
  'space',
  'strcmp',
  'soundex',
  'sha2',
  'crc32',
  'compress',
  'uncompress',
  'encode',
  'decode',
  'aes_encrypt',
  'aes_decrypt',
  'des_encrypt',
  'encrypt',
  'password',
  'old_password',
  'nvl',
  'nvl2',
  'greatest',
  'least',
  'div',
  'mod',
  'json_object',
  'json_array',
  'json_value',
  'json_query',
  'json_contains',
  'json_search',
  'json_set',
  'json_replace',
  'json_unquote',
  'json_length',
  'jsonb_extract_path',
  'json_extract_path_text',
  'openrowset',
  'openquery',
  'opendatasource',
  'string_agg',
  'listagg',
  'xmltype',
  'dbms_xmlgen.getxml',
  'last_insert_id',
  'row_count',
  'found_rows',
  'connection_id',
  'uuid',
  'current_database',
  'current_schema',
  'current_setting',
  'pg_backend_pid',
  'inet_server_addr',
  'zeroblob',
  'typeof',
  'unicode',
  'printf',
  'quote',
  'load_extension',
  'lo_get',
  'lo_export',
  'pg_ls_dir',
  'pg_stat_file',
  'pg_read_binary_file',
  'dblink',
  'query_to_xml',
  'array_to_string',
  'string_to_array',
  'regexp_replace',
  'regexp_substr',
  'regexp_like',
  'to_date',
  'to_timestamp',
  'trunc',
  'nls_lower',
  'rawtohex',
  'utl_raw.cast_to_varchar2',
  'sys.fn_varbintohexstr',
  'fn_varbintohexstr',
  'object_id',
  'object_name',
  'col_name',
  'type_name',
  'schema_name',
  'host_name',
  'suser_name',
  'suser_sname',
  'is_srvrolemember',
  'has_dbaccess',
  'serverproperty',
  'char_length',
  'character_length',
  'octet_length',
  'bit_length',
  'field',
  'find_in_set',
  'insert',
  'export_set',
  'bit_count',
  'inet_aton',
  'inet_ntoa',
  'conv',
  'bin',
  'oct',
  'weight_string',
  'release_lock',
  'is_free_lock',
  'master_pos_wait',
  'polygon',
  'multipoint',
  'geometrycollection',
  'linestring',
  'multilinestring',
  'multipolygon',
  'st_latfromgeohash',
  'st_longfromgeohash',
  'st_pointfromgeohash',
  'gtid_subset',
])

/** A function name carries this flag beside its class. */
const FUNCTION_FLAG = 64
/**
 * Every known word with its class, in an open-addressing table probed with a hash the tokenizer
 * computes while it reads the word: a word is classified without cutting it out of the value, and a
 * known word's entry in `WORDS` is the table's own string. Prose is mostly unknown words, which then
 * cost no allocation at all.
 */
const TABLE_SIZE = 4096
const TABLE_WORDS: string[] = new Array<string>(TABLE_SIZE).fill('')
const TABLE_CLASS = new Int32Array(TABLE_SIZE)

function step(hash: number, c: number): number {
  return (Math.imul(hash, 31) + c) | 0
}

function slotOf(hash: number): number {
  return (hash ^ (hash >>> 13)) & (TABLE_SIZE - 1)
}

/** The table slot holding `src[start, end)`, or -1 when the word is unknown. */
function findWord(src: string, start: number, end: number, hash: number): number {
  const length = end - start
  for (let slot = slotOf(hash); ; slot = (slot + 1) & (TABLE_SIZE - 1)) {
    const known = TABLE_WORDS[slot]
    if (known === '') return -1
    if (known.length !== length) continue
    let k = 0
    while (k < length && known.charCodeAt(k) === src.charCodeAt(start + k)) k++
    if (k === length) return slot
  }
}

function addWord(word: string, type: number): void {
  let hash = 0
  for (let k = 0; k < word.length; k++) hash = step(hash, word.charCodeAt(k))
  const slot = findWord(word, 0, word.length, hash)
  if (slot !== -1) {
    TABLE_CLASS[slot] |= type
    return
  }
  for (let free = slotOf(hash); ; free = (free + 1) & (TABLE_SIZE - 1)) {
    if (TABLE_WORDS[free] === '') {
      TABLE_WORDS[free] = word
      TABLE_CLASS[free] = type
      return
    }
  }
}

for (const [words, type] of [
  [KEYWORDS, Tok.Keyword],
  [OPS, Tok.Op],
  [UNION, Tok.Union],
  [BOOL, Tok.Bool],
  [CMP, Tok.Cmp],
  [LOGIC, Tok.Logic],
] as const) {
  for (const word of words) addWord(word, type)
}
for (const word of FUNCTIONS) addWord(word, FUNCTION_FLAG)

/**
 * Makes words known to the tokenizer without a class (they stay `Tok.Word`), so that their entry in
 * `WORDS` is their text: rules that compare a plain word with a name call this for the names.
 *
 * @param words - lower-cased words
 * @example
 * ```ts
 * internWords(['immediate']); tokenize('exec immediate', 0, 4); WORDS[1] // 'immediate'
 * ```
 */
export function internWords(words: Iterable<string>): void {
  for (const word of words) addWord(word, 0)
}

/**
 * What `WORDS` holds for a word the tokenizer does not know; `wordText` gives its text.
 *
 * @example
 * ```ts
 * tokenize('hello', 0, 4); WORDS[0] === UNKNOWN_WORD // true
 * ```
 */
export const UNKNOWN_WORD = '\0'
/** Where each unknown word of the last call starts and ends in its value. */
const WORD_START: number[] = []
const WORD_END: number[] = []
let lastSource = ''

/**
 * The text of token `k` of the last `tokenize` call: its `WORDS` entry, or for an unknown word the
 * word cut from the value (only rules that need an unknown word's letters pay for the cut).
 *
 * @param k - a token index of the last call
 * @returns the lower-cased text
 * @example
 * ```ts
 * tokenize('exec xp_x', 0, 4); wordText(1) // 'xp_x'
 * ```
 */
export function wordText(k: number): string {
  const word = WORDS[k]
  return word === UNKNOWN_WORD ? lastSource.slice(WORD_START[k], WORD_END[k]) : (word ?? '')
}

/**
 * Token types of the last `tokenize` call; reused between calls. The four entries after the last
 * token are 0, so rules may look a few tokens ahead without bounds checks.
 *
 * @example
 * ```ts
 * const n = tokenize("' or 1=1", 0, 16); TYPES.slice(0, n)
 * ```
 */
export const TYPES: (Tok | 0)[] = []
/**
 * Lower-cased text of each token of the last call (known words and operators; `UNKNOWN_WORD` for a
 * word the tokenizer does not know; '' for others); '' after the last.
 *
 * @example
 * ```ts
 * tokenize('1 union select', 0, 8); WORDS[1] // 'union'
 * ```
 */
export const WORDS: string[] = []

/**
 * Tokenizes a lower-cased value as SQL, optionally as if an opening quote came before it (the value
 * then sits inside a string literal, which is how injected input is read). Comments of the
 * form slash-star are dropped, MySQL's versioned comments are read as code. One linear pass.
 *
 * @param src - the lower-cased value
 * @param quote - 0, or the char code of the quote the value is assumed to follow (39 or 34)
 * @param maxTokens - stop after this many tokens
 * @returns the number of tokens written to `TYPES` and `WORDS`
 * @example
 * ```ts
 * tokenize("x' or 1=1--", 39, 16) // 6: String Logic Number Cmp Number Comment
 * ```
 */
export function tokenize(src: string, quote: number, maxTokens: number): number {
  let n = 0
  let i = 0
  const len = src.length
  lastSource = src
  if (quote !== 0) {
    i = endOfString(src, 0, quote)
    n = push(n, i > len ? Tok.OpenString : Tok.String, '')
  }
  while (i < len && n < maxTokens) {
    const c = src.charCodeAt(i)
    if (c <= 32 || c === 0xa0) {
      i++
    } else if (c === 39 || c === 34) {
      const end = endOfString(src, i + 1, c)
      n = push(n, end > len ? Tok.OpenString : Tok.String, '')
      i = end
    } else if (c === 96) {
      const end = src.indexOf('`', i + 1)
      n = push(n, Tok.Word, '')
      i = end === -1 ? len : end + 1
    } else if (isDigit(c) || (c === 46 && isDigit(codeAt(src, i + 1)))) {
      i = endOfNumber(src, i)
      n = push(n, Tok.Number, '')
    } else if (isWordStart(c)) {
      let end = i + 1
      let hash = step(0, c)
      while (end < len) {
        const d = src.charCodeAt(end)
        if (!isWordPart(d)) break
        hash = step(hash, d)
        end++
      }
      const slot = findWord(src, i, end, hash)
      if (slot === -1) {
        WORD_START[n] = i
        WORD_END[n] = end
        n = push(n, Tok.Word, UNKNOWN_WORD)
      } else {
        n = push(n, classifyWord(TABLE_CLASS[slot], src, end), TABLE_WORDS[slot])
      }
      i = end
    } else if (c === 64) {
      let end = i + 1
      if (codeAt(src, end) === 64) end++
      while (end < len && isWordPart(codeAt(src, end))) end++
      n = push(n, Tok.Var, src.slice(i, end))
      i = end
    } else if (c === 35 || (c === 45 && codeAt(src, i + 1) === 45)) {
      n = push(n, Tok.Comment, '')
      const eol = src.indexOf('\n', i)
      i = eol === -1 ? len : eol + 1
    } else if (c === 47 && codeAt(src, i + 1) === 42) {
      if (codeAt(src, i + 2) === 33) {
        // MySQL runs the body of /*!50000 … */ as code.
        i += 3
        while (isDigit(codeAt(src, i))) i++
      } else {
        const close = src.indexOf('*/', i + 2)
        if (close === -1) {
          n = push(n, Tok.Comment, '')
          i = len
        } else {
          i = close + 2
        }
      }
    } else if (c === 42 && codeAt(src, i + 1) === 47) {
      i += 2
    } else {
      i = readSymbol(src, i, c)
      n = push(n, SYMBOL_TYPE, SYMBOL)
    }
  }
  for (let k = n; k < n + 4; k++) {
    TYPES[k] = 0
    WORDS[k] = ''
  }
  return n
}

function push(n: number, type: Tok, word: string): number {
  TYPES[n] = type
  WORDS[n] = word
  return n + 1
}

/** Index after the closing quote, or len + 1 when the string never closes. */
function endOfString(src: string, from: number, quote: number): number {
  for (let i = from; i < src.length; i++) {
    const c = codeAt(src, i)
    if (c === 92) i++
    else if (c === quote) {
      if (codeAt(src, i + 1) !== quote) return i + 1
      i++
    }
  }
  return src.length + 1
}

function endOfNumber(src: string, i: number): number {
  if (codeAt(src, i) === 48 && (codeAt(src, i + 1) | 0x20) === 120) {
    i += 2
    while (isHex(codeAt(src, i))) i++
    return i
  }
  while (isDigit(codeAt(src, i)) || codeAt(src, i) === 46) i++
  if ((codeAt(src, i) | 0x20) === 101) {
    let j = i + 1
    if (codeAt(src, j) === 43 || codeAt(src, j) === 45) j++
    if (isDigit(codeAt(src, j))) {
      i = j
      while (isDigit(codeAt(src, i))) i++
    }
  }
  return i
}

function classifyWord(known: number, src: string, end: number): Tok {
  const type = known & ~FUNCTION_FLAG
  // `div(23,-2)`: MySQL's operators DIV and MOD are functions too when a parenthesis follows.
  if (
    (known & FUNCTION_FLAG) !== 0 &&
    (type === 0 || type === Tok.Keyword || type === Tok.Op) &&
    nextSignificant(src, end) === 40
  )
    return Tok.Func
  return type === 0 ? Tok.Word : type
}

/** The next char code that is not whitespace or an inline comment; bounded scan of spaces. */
function nextSignificant(src: string, i: number): number {
  while (i < src.length) {
    const c = codeAt(src, i)
    if (c <= 32) i++
    else if (c === 47 && codeAt(src, i + 1) === 42) {
      const close = src.indexOf('*/', i + 2)
      if (close === -1) return -1
      i = close + 2
    } else return c
  }
  return -1
}

let SYMBOL_TYPE: Tok = Tok.Other
let SYMBOL = ''

function readSymbol(src: string, i: number, c: number): number {
  const d = codeAt(src, i + 1)
  SYMBOL = String.fromCharCode(c)
  SYMBOL_TYPE = Tok.Op
  if (c === 40) SYMBOL_TYPE = Tok.LParen
  else if (c === 41) SYMBOL_TYPE = Tok.RParen
  else if (c === 44) SYMBOL_TYPE = Tok.Comma
  else if (c === 59) SYMBOL_TYPE = Tok.Semi
  else if ((c === 124 && d === 124) || (c === 38 && d === 38)) {
    SYMBOL_TYPE = Tok.Logic
    SYMBOL += SYMBOL
    return i + 2
  } else if (c === 61 || c === 60 || c === 62 || (c === 33 && d === 61) || (c === 58 && d === 61)) {
    SYMBOL_TYPE = Tok.Cmp
    let j = i + 1
    while (j < i + 3 && (codeAt(src, j) === 61 || codeAt(src, j) === 62 || codeAt(src, j) === 60)) j++
    if (c === 33 || c === 58) j = Math.max(j, i + 2)
    SYMBOL = src.slice(i, j)
    return j
  } else if (!(
    c === 43 ||
    c === 45 ||
    c === 42 ||
    c === 47 ||
    c === 37 ||
    c === 94 ||
    c === 126 ||
    c === 124 ||
    c === 38 ||
    c === 33
  )) {
    SYMBOL_TYPE = Tok.Other
  }
  return i + 1
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57
}

function isHex(c: number): boolean {
  return isDigit(c) || ((c | 0x20) >= 97 && (c | 0x20) <= 102)
}

/** 1 for the ASCII characters a word opens with, 2 for those it may only go on with (digits, `.`). */
const WORD_CHAR = new Uint8Array(128)
for (let c = 0; c < 128; c++) {
  if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36) WORD_CHAR[c] = 1
  else if ((c >= 48 && c <= 57) || c === 46) WORD_CHAR[c] = 2
}

function isWordStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36 || c > 0x7f
}

function isWordPart(c: number): boolean {
  return c > 0x7f || WORD_CHAR[c] !== 0
}
