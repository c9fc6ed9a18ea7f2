import { Family, scanSignatures, wholeWord } from '../signatures.js'
import { STATEMENT_KEYWORDS, TYPES, Tok, WORDS, internWords, tokenize, wordText } from './sql-tokenizer.js'
import { codeAt } from '../char-code.js'
import {
  APOSTROPHE,
  AT,
  COLON,
  CTRL,
  DASH,
  DOLLAR,
  DOT,
  DOUBLE_QUOTE,
  EQ,
  HASH,
  HIGH,
  LT,
  PAREN,
  PIPE,
  QMARK,
  QUOTE,
  SEMI,
  SLASH,
  SPACE,
  STAR,
  BSLASH,
  charClasses,
} from '../char-class.js'

/** Functions whose only use in a request value is an attack (timing, file and error oracles). */
const DANGEROUS_FUNCTIONS = new Set([
  'sleep',
  'benchmark',
  'pg_sleep',
  'load_file',
  'extractvalue',
  'updatexml',
  'xp_cmdshell',
  'sys_eval',
  'sys_exec',
  'dbms_pipe.receive_message',
  'dbms_lock.sleep',
  'utl_inaddr.get_host_address',
  'utl_http.request',
  'ctxsys.drithsx.sn',
  'name_const',
  'get_lock',
  'randomblob',
  'pg_read_file',
  'lo_import',
  'json_keys',
  'lo_get',
  'lo_export',
  'pg_ls_dir',
  'pg_read_binary_file',
  'pg_stat_file',
  'dblink',
  'dblink_exec',
  'xp_regread',
  'xp_dirtree',
  'sys_exec',
  'load_extension',
])
// `selectsCall` and `isStatement` compare plain words with these names.
internWords(DANGEROUS_FUNCTIONS)
internWords(['immediate'])
/** Database and catalog names sent alone to probe which engine answers (OWASP CRS 942140). */
const CATALOG_NAMES = new Set([
  'information_schema',
  'pg_catalog',
  'northwind',
  'msdb',
  'tempdb',
  'schema_name',
  'mysql.db',
  'mysql.user',
  'sqlite_master',
  'all_tables',
  'user_tables',
  'msysaccessobjects',
  'msysobjects',
  'sysobjects',
  'syscolumns',
])
/**
 * Whether a value is a database or catalog name sent alone to probe which engine answers.
 *
 * @param value - the normalised (decoded, lower-cased) value
 * @returns whether it is one of the catalog names
 * @example
 * ```ts
 * isCatalogName('msdb') // true
 * ```
 */
export function isCatalogName(value: string): boolean {
  return CATALOG_NAMES.has(value)
}

/** PostgreSQL type names a `::` cast names. */
const PG_TYPE = [
  'int[248]?|integer|bigint|smallint|text|varchar|char|bool|boolean|jsonb?|numeric|float[48]?|real',
  String.raw`double\s{1,4}precision|date|timestamp|timestamptz|regclass|oid|bytea|xml|uuid|inet|money|interval`,
].join('|')
/**
 * A PostgreSQL cast to a type (`'x'::jsonb`, `password::int`, `f(x)::text`): no prose or other
 * language writes these.
 */
const PG_CAST = new RegExp(String.raw`['")a-z0-9_]\s{0,4}::\s{0,4}(?:${PG_TYPE})\b`)
/**
 * A JSON operator of PostgreSQL or MySQL between a string literal and another operand (`'{…}' @>
 * '{…}'`, `'[…]' ->> 2`).
 */
const JSON_OPERATOR =
  /'\s{0,8}(?:->>?|#>>?|@>|<@|\?[|&]?|@[?@]|#-|\|\|)\s{0,8}(?:\/\*[^*]{0,64}\*\/\s{0,8})?(?:'|\d|array\[)/

/** Every JSON operator holds one of `-`, `#`, `@`, `<`, `?`, `|`. */
const JSON_OPERATOR_CHARS = DASH | HASH | AT | LT | QMARK | PIPE

const DROP_OBJECTS = new Set([
  'table',
  'database',
  'schema',
  'user',
  'procedure',
  'function',
  'view',
  'index',
  'trigger',
  'login',
])
/** Without SQL words a break-out is decided by the first tokens after the quote (`admin'--`, `'='`). */
const BREAKOUT_TOKENS = 8
/** Fingerprinting calls: `database()`, `version()`; empty parentheses make them code, not prose. */
const PROBES = new Set([
  'database',
  'version',
  'user',
  'current_user',
  'system_user',
  'session_user',
  'schema',
  'db_name',
  'user_name',
  'sqlite_version',
])
/**
 * Numbers at the edges of integer and float ranges, sent alone to provoke errors (OWASP CRS 942220).
 *
 * @example
 * ```ts
 * OVERFLOW_PROBES.has('4294967296') // true
 * ```
 */
export const OVERFLOW_PROBES: ReadonlySet<string> = new Set([
  '2147483647',
  '2147483648',
  '-2147483648',
  '-2147483649',
  '4294967295',
  '4294967296',
  '1e309',
  '2.2250738585072007e-308',
  '2.2250738585072011e-308',
  '-0000023456',
  '0000012345',
  '0000023456',
])
/** The longest overflow probe or catalog name: longer values are neither. */
const PROBE_MAX_LENGTH = Math.max(...[...OVERFLOW_PROBES, ...CATALOG_NAMES].map((word) => word.length))

/** MongoDB query and aggregation operators, without their `$`. */
const MONGODB_OPERATOR = [
  'ne|eq|gt|gte|lt|lte|in|nin|where|regex|exists|expr|or|and|not|nor|elemmatch|function|accumulator',
  'text|type|mod|size|all|jsonschema|comment|slice|geowithin|near|bitsallset|lookup|match|merge|out',
].join('|')
/** MongoDB query operators smuggled into names (`user[$ne]`) or JSON keys (NoSQL injection, OWASP CRS 942290). */
const NOSQL_OPERATOR = new RegExp(String.raw`(?:^|\[)\$(?:${MONGODB_OPERATOR})(?:$|\])`)

/**
 * Tokenizing SQL injection detection in the spirit of libinjection: the value is read as SQL three
 * times — as is, and as if it followed a `'` or a `"` — and flagged only when one reading forms an
 * attack (a quote that closes and is followed by a tautology, a comment, a set operation or a stacked
 * statement; a number followed by the same; `UNION SELECT`; oracle functions). `O'Brien`, SQL words in
 * prose and `UnIoN/**​/SeLeCt` are told apart by structure, not keywords. Linear in the value's length.
 *
 * @param value - the normalised (decoded, lower-cased) value
 * @param hits - the value's `scanSignatures` result, when the caller already has it
 * @param chars - the value's `charClasses` (or those of a value it was cut from), when the caller already has them
 * @returns whether the value reads as an SQL injection
 * @example
 * ```ts
 * detectSqli("1' or '1'='1") // true
 * detectSqli("o'brien")      // false
 * ```
 */
export function detectSqli(
  value: string,
  hits: number = scanSignatures(value),
  chars: number = charClasses(value),
): boolean {
  // Each gate on `chars` stands for the character its check needs; without it the check cannot match.
  if ((chars & DOLLAR) !== 0 && NOSQL_OPERATOR.test(value)) return true
  if (value.length <= PROBE_MAX_LENGTH && (OVERFLOW_PROBES.has(value) || CATALOG_NAMES.has(value))) return true
  if ((chars & COLON) !== 0 && value.indexOf('::') !== -1 && PG_CAST.test(value)) return true
  if ((chars & APOSTROPHE) !== 0 && (chars & JSON_OPERATOR_CHARS) !== 0 && JSON_OPERATOR.test(value)) return true
  if ((chars & PAREN) !== 0 && value.endsWith('(') && openCall(value)) return true
  if ((hits & Family.SqlCatalog) !== 0) return true
  const comment = (chars & (SLASH | STAR)) === (SLASH | STAR) && value.indexOf('/*') !== -1
  if (comment && value.indexOf('/*!') !== -1) return true
  if (codeAt(value, 0) === 48 && HEX_TEXT.test(value) && hexSpellsText(value)) return true
  if ((chars & DOT) !== 0 && value.indexOf('.e') !== -1 && NUMBER_E.test(value)) return true
  if ((chars & (QUOTE | DOLLAR)) !== 0 && value.indexOf('program') !== -1 && COPY_PROGRAM.test(value)) return true
  if (comment && hasEvasiveComment(value)) return true
  if ((chars & SEMI) !== 0 && quoteEndsStatement(value)) return true
  if ((chars & EQ) !== 0 && SELF_EQUALITY.test(value)) return true
  if ((chars & (SPACE | CTRL | HIGH)) !== 0 && selfPatternMatch(value)) return true
  if ((chars & PAREN) !== 0 && callsSqlOnlyFunction(value)) return true
  // A call needs no SQL word to be SQL: `if(1=1,…)`, `floor(rand()…)`, `char(65,66)`.
  const words =
    (hits & Family.SqlWord) !== 0 ||
    ((chars & PAREN) !== 0 && value.indexOf('(') !== -1) ||
    hasSqlOperators(value, chars)
  if ((chars & APOSTROPHE) !== 0 && quotedBreakout(value, 39, words)) return true
  if ((chars & DOUBLE_QUOTE) !== 0 && quotedBreakout(value, 34, words)) return true
  if ((chars & BSLASH) !== 0 && ESCAPED_QUOTE_LOGIC.test(value)) return true
  if (!words) return literalsCompared(value) || aliasOrWhenOnly(value)
  const n = tokenize(value, 0, Number.MAX_SAFE_INTEGER)
  let first = 0
  while (first < n && (TYPES[first] === Tok.Op || TYPES[first] === Tok.LParen)) first++
  const lead = TYPES[first]
  if ((lead === Tok.Number || lead === Tok.Word || lead === Tok.Var) && follows(first, n, false)) return true
  if (lead === Tok.Logic && WORDS[first] !== 'not' && (operand(first + 1, n, false) || danglingLogic(first, n)))
    return true
  if (lead === Tok.Func && wholeCall(first, n)) return true
  // `'union a`, `" alter a`: a value opening with a quote and a statement keyword, the quote never closed again.
  if (openedByQuote(value) && quotedKeyword(value)) return true
  if (lead === Tok.Cmp && WORDS[first] === 'in' && TYPES[first + 1] === Tok.LParen && literalList(first + 2, n))
    return true
  // Prose never opens with a semicolon; `; select`, `;drop …` stack a statement on the query before.
  if (TYPES[0] === Tok.Semi && TYPES[1] === Tok.Keyword && STACKED_KEYWORDS.has(WORDS[1])) return true
  if (lead === Tok.Keyword && WORDS[first] === 'select' && (isStatement(first, n, true) || selectsCall(first + 1, n)))
    return true
  if (
    lead === Tok.Keyword &&
    LEADING_STATEMENTS.has(WORDS[first]) &&
    (isStatement(first, n, false) || clause(first, n))
  )
    return true
  return literalsCompared(value) || anywhere(n)
}

/** `\\'or'1`, `\\"and`: a quote escaped by the value itself, then a conjunction — escaping the escape. */
const ESCAPED_QUOTE_LOGIC = /\\['"`]{1,2}\s{0,4}(?:or|and|xor|&&|\|\|)(?![a-z])/

function openedByQuote(value: string): boolean {
  const c = codeAt(value.trimStart(), 0)
  return c === 39 || c === 34
}

/**
 * The quoted reading of a value that opens with its quote: an empty literal, a statement keyword,
 * no further literal.
 */
function quotedKeyword(value: string): boolean {
  const quote = codeAt(value.trimStart(), 0)
  const n = tokenize(value.trimStart(), quote, 8)
  if (
    TYPES[0] !== Tok.String ||
    !(TYPES[1] === Tok.Union || (TYPES[1] === Tok.Keyword && STACKED_KEYWORDS.has(WORDS[1])))
  )
    return false
  for (let k = 2; k < n; k++) if (TYPES[k] === Tok.String || TYPES[k] === Tok.OpenString) return false
  return true
}

/** Without SQL words only an alias before FROM or a `CASE WHEN … THEN` can still be SQL: they are looked for alone. */
function aliasOrWhenOnly(value: string): boolean {
  if (value.indexOf('from') === -1 && value.indexOf('then') === -1) return false
  // A value opening with a backtick closes a quoted identifier first: `` ` AS `name` FROM``.
  if (codeAt(value.trimStart(), 0) === 96 && aliasAfterQuote(value.trimStart())) return true
  const n = tokenize(value, 0, 64)
  for (let i = 0; i < n; i++) {
    if (TYPES[i] !== Tok.Keyword) continue
    if (WORDS[i] === 'as' && aliasFrom(i, n)) return true
    if (WORDS[i] === 'when' && TYPES[i - 1] === Tok.RParen && caseThen(i - 1, n)) return true
    if (WORDS[i] === 'case' && WORDS[i + 1] === 'when' && caseThen(i, n)) return true
  }
  return false
}

const PATTERN_MATCH = new Set(['like', 'rlike', 'regexp', 'glob', 'sounds'])

/** `json_depth('[]') > 0` after a conjunction: a call of any name whose result is compared is a condition. */
function comparedCall(open: number, n: number): boolean {
  let depth = 0
  for (let k = open; k < n && k < open + 24; k++) {
    if (TYPES[k] === Tok.LParen) depth++
    else if (TYPES[k] === Tok.RParen && --depth === 0) return TYPES[k + 1] === Tok.Cmp
  }
  return false
}

/** MySQL reads `1.e` as a number and goes on with what is glued to it: `1.e(`, `1.e,`, `1.e)`. */
const NUMBER_E = /(?:^|[^a-z0-9_.])\d{1,16}\.e(?=[(,)=<>|&;])/
const INLINE_COMMENT = /\/\*([^*]{0,64})\*\//g

/**
 * An inline comment used as whitespace: one with no space inside (an empty one, a MySQL version
 * comment), or one glued to code on both sides. A comment written for a reader has spaces around it.
 */
function hasEvasiveComment(value: string): boolean {
  INLINE_COMMENT.lastIndex = 0
  let match: RegExpExecArray | null
  while ((match = INLINE_COMMENT.exec(value)) !== null) {
    if (!/\s/.test(match[1])) return true
    const before = match.index === 0 ? 32 : codeAt(value, match.index - 1)
    const after = codeAt(value, match.index + match[0].length)
    if (before > 32 && after > 32) return true
  }
  return false
}

/**
 * The first quote of the value followed by `;`: `admin';` ends the query inside the string, and
 * engines that run one statement ignore the rest (the split-query login bypass).
 */
function quoteEndsStatement(value: string): boolean {
  if (value.indexOf(';') === -1) return false
  for (const quote of QUOTES) {
    let at = value.indexOf(quote)
    if (at === -1) continue
    at++
    while (at < value.length && codeAt(value, at) <= 32) at++
    if (codeAt(value, at) === 59) return true
  }
  return false
}

const QUOTES = ["'", '"', '`']
/** PostgreSQL `COPY … TO PROGRAM '…'`: runs a shell command as the database server. */
const COPY_PROGRAM = /\bcopy\b[^;]{0,256}\b(?:to|from)\s{1,8}program\s{0,8}['"$]/

/**
 * Built-ins that only SQL has, by names no prose or other language uses (`group_concat`, `pg_sleep`,
 * `json_build_object`, `from_unixtime`): called anywhere in a value they are SQL. Generic names
 * (`count`, `trim`, `md5`, `sleep`) are left to the structural checks, since code snippets and prose use those too.
 */
const SQL_ONLY_FUNCTIONS: ReadonlySet<string> = new Set([
  'adddate',
  'addtime',
  'aes_decrypt',
  'aes_encrypt',
  'asciistr',
  'bin_to_num',
  'bit_and',
  'bit_count',
  'bit_length',
  'bit_or',
  'bit_xor',
  'char_length',
  'character_length',
  'coercibility',
  'collation',
  'concat_ws',
  'connection_id',
  'convert_tz',
  'crc32',
  'curdate',
  'curtime',
  'current_setting',
  'current_timestamp',
  'current_user',
  'database_to_xml',
  'date_add',
  'date_format',
  'date_sub',
  'datediff',
  'dayname',
  'dayofmonth',
  'dayofweek',
  'dayofyear',
  'des_decrypt',
  'des_encrypt',
  'export_set',
  'extractvalue',
  'find_in_set',
  'found_rows',
  'from_base64',
  'from_days',
  'from_unixtime',
  'geometrycollection',
  'get_format',
  'get_lock',
  'getpgusername',
  'group_concat',
  'gtid_subset',
  'gtid_subtract',
  'hextoraw',
  'ifnull',
  'inet6_aton',
  'inet6_ntoa',
  'inet_aton',
  'inet_ntoa',
  'is_free_lock',
  'is_ipv4',
  'is_ipv4_compat',
  'is_ipv4_mapped',
  'is_ipv6',
  'is_superuser',
  'is_used_lock',
  'json_agg',
  'json_array_elements',
  'json_array_elements_text',
  'json_array_length',
  'json_build_array',
  'json_build_object',
  'json_each',
  'json_each_text',
  'json_extract',
  'json_extract_path',
  'json_extract_path_text',
  'json_keys',
  'json_object_agg',
  'json_object_keys',
  'json_populate_record',
  'json_populate_recordset',
  'json_strip_nulls',
  'json_to_record',
  'json_to_recordset',
  'json_typeof',
  'last_insert_id',
  'linestring',
  'lo_from_bytea',
  'lo_put',
  'lo_get',
  'lo_import',
  'lo_export',
  'load_file',
  'localtimestamp',
  'make_set',
  'makedate',
  'master_pos_wait',
  'monthname',
  'multilinestring',
  'multipoint',
  'multipolygon',
  'name_const',
  'octet_length',
  'old_password',
  'period_add',
  'period_diff',
  'pg_client_encoding',
  'pg_database',
  'pg_read_file',
  'pg_read_binary_file',
  'pg_largeobject',
  'pg_ls_dir',
  'pg_sleep',
  'pg_user',
  'pg_stat_file',
  'procedure_analyse',
  'query_to_xml',
  'rawtohex',
  'release_lock',
  'row_count',
  'row_to_json',
  'sec_to_time',
  'session_user',
  'soundex',
  'sqlite_compileoption_get',
  'sqlite_compileoption_used',
  'sqlite_source_id',
  'sqlite_version',
  'stddev_pop',
  'stddev_samp',
  'str_to_date',
  'subdate',
  'substring_index',
  'subtime',
  'sysdate',
  'system_user',
  'time_format',
  'time_to_sec',
  'timediff',
  'timestampadd',
  'timestampdiff',
  'to_base64',
  'to_jsonb',
  'to_char',
  'to_days',
  'to_seconds',
  'ucase',
  'lcase',
  'uncompress',
  'uncompressed_length',
  'unhex',
  'unix_timestamp',
  'updatexml',
  'use_json_null',
  'utc_date',
  'utc_time',
  'utc_timestamp',
  'uuid_short',
  'var_pop',
  'var_samp',
  'weekofyear',
  'weight_string',
  'xmltype',
  'yearweek',
  'benchmark',
  'utl_inaddr.get_host_address',
  'utl_http.request',
  'dbms_pipe.receive_message',
  'dbms_lock.sleep',
  'ctxsys.drithsx.sn',
  'xp_cmdshell',
  'xp_dirtree',
  'xp_regread',
  'sys_eval',
  'sys_exec',
  'randomblob',
  'zeroblob',
  'load_extension',
  'dblink',
  'dblink_exec',
  'openrowset',
  'opendatasource',
  'openquery',
])

/** Whether some `(` in the value follows, past spaces and comments, the name of an SQL-only built-in. */
function callsSqlOnlyFunction(value: string): boolean {
  for (let paren = value.indexOf('('); paren !== -1; paren = value.indexOf('(', paren + 1)) {
    let end = paren
    while (end > 0 && paren - end < 16 && isCallFiller(codeAt(value, end - 1))) end--
    let start = end
    while (start > 0 && end - start < 48 && isFunctionNameChar(codeAt(value, start - 1))) start--
    if (end - start < 4) continue
    const name = value.slice(start, end)
    if (SQL_ONLY_FUNCTIONS.has(name) || name.startsWith('jsonb_')) return true
  }
  return false
}

function isCallFiller(c: number): boolean {
  return c <= 32 || c === 42 || c === 47 || c === 33
}

function isFunctionNameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 46
}

/** The value read after an opening backtick: an alias before FROM right after the identifier closes. */
function aliasAfterQuote(value: string): boolean {
  const n = tokenize(value, 96, 8)
  return TYPES[0] === Tok.String && WORDS[1] === 'as' && aliasFrom(1, n)
}

/**
 * A literal or name compared with itself inside a list or call (`b,7=7`, `(2=2`) or matched against
 * itself with an SQL pattern operator anywhere (`42 like 42`, `x rlike x`): a condition that is
 * always true, the heart of boolean-based injection. A whole value `1=1` or `a=a` reads as a
 * statement of fact and stays clean, as does `i = i + 1`: the comparison must end the value or a
 * clause (end, `)`, a comment, `;`, `,`, a conjunction).
 */
const SELF_EQUALITY =
  /[,(]\s{0,4}(['"`]?)([a-z0-9_]{1,32})\1\s{0,4}(?:<=>|==?)\s{0,4}\1\2\1(?=\s{0,4}(?:$|\)|--|#|;|,|(?:and|or|xor)\b))/
/**
 * The most characters a SELF_PATTERN_MATCH match spans before its operator (boundary, quote, 32-letter
 * name, quote, 4 spaces), plus the `r` before the `like` that `rlike` holds.
 */
const OPERATOR_OFFSET = 40

/**
 * SELF_PATTERN_MATCH, searched from where a match can start: at most OPERATOR_OFFSET before the
 * first operator word.
 */
function selfPatternMatch(value: string): boolean {
  let first = value.length
  for (const operator of ['like', 'regexp', 'glob']) {
    const at = value.indexOf(operator)
    if (at !== -1 && at < first) first = at
  }
  if (first === value.length) return false
  SELF_PATTERN_MATCH.lastIndex = Math.max(0, first - OPERATOR_OFFSET)
  return SELF_PATTERN_MATCH.test(value)
}

/** A word, bare or quoted, compared by a pattern operator with itself (`'a' like 'a'`); \1 is its quote. */
const WORD_MATCHING_ITSELF = String.raw`(['"${'`'}]?)([a-z0-9_]{1,32})\1\s{1,4}(?:like|rlike|regexp|glob)\s{1,4}\1\2\1`
/** What may follow the comparison: the end, a closing parenthesis, a comment, a separator, a logical operator. */
const COMPARISON_END = String.raw`(?=\s{0,4}(?:$|\)|--|#|;|,|(?:and|or|xor)\b))`
const SELF_PATTERN_MATCH = new RegExp(String.raw`(?:^|[\s,(])${WORD_MATCHING_ITSELF}${COMPARISON_END}`, 'g')

/** A value that is `0x…` hex spelling text: how injections write a string without quotes (`0x61646d696e`). */
const HEX_TEXT = /^0x(?:[0-9a-f]{2}){3,64}$/
/** Statement keywords that, after a leading semicolon, stack a statement. */
const STACKED_KEYWORDS = new Set([...STATEMENT_KEYWORDS, 'union', 'grant', 'revoke'])

/** Whether the bytes of a `0x…` literal are printable ASCII with at least three letters. */
function hexSpellsText(value: string): boolean {
  let letters = 0
  for (let i = 2; i < value.length; i += 2) {
    const byte = parseInt(value.slice(i, i + 2), 16)
    if (byte < 0x20 || byte > 0x7e) return false
    if ((byte | 0x20) >= 97 && (byte | 0x20) <= 122) letters++
  }
  return letters >= 3
}

/** Functions of spreadsheets and calculators too: `sum(1, 2, 3)` closed on numbers is a formula, not SQL. */
const FORMULA_FUNCTIONS = new Set([
  'sum',
  'min',
  'max',
  'avg',
  'average',
  'round',
  'abs',
  'count',
  'floor',
  'ceil',
  'ceiling',
  'if',
  'len',
  'length',
  'left',
  'right',
  'mid',
  'upper',
  'lower',
  'trim',
  'now',
  'date',
  'day',
  'month',
  'year',
  'hour',
  'minute',
  'second',
  'time',
  'power',
  'pow',
  'sqrt',
  'ln',
  'log',
  'log10',
  'exp',
  'pi',
  'rand',
  'random',
  'mod',
  'sign',
  'sin',
  'cos',
  'tan',
  'atan',
  'concat',
  'replace',
  'format',
  'trunc',
  'degrees',
  'radians',
])

/**
 * A whole value that is one SQL function call: left open (`floor(`, `if (`), or closed on literal
 * arguments only (`div(23,-2)`, `char(65,66)`) when the function is no spreadsheet formula's, then
 * nothing but a comment. Prose does not end on a built-in's open parenthesis.
 */
function wholeCall(first: number, n: number): boolean {
  if (TYPES[first + 1] !== Tok.LParen) return false
  if (first + 2 >= n) return true
  if (FORMULA_FUNCTIONS.has(WORDS[first])) return false
  let depth = 0
  for (let k = first + 1; k < n; k++) {
    const type = TYPES[k]
    if (type === Tok.LParen) depth++
    else if (type === Tok.RParen) {
      if (--depth === 0) return k + 1 === n || TYPES[k + 1] === Tok.Comment || TYPES[k + 1] === Tok.Semi
    } else if (
      type !== Tok.Number &&
      type !== Tok.String &&
      type !== Tok.Comma &&
      type !== Tok.Op &&
      type !== Tok.Func &&
      type !== Tok.Bool &&
      type !== Tok.Var &&
      !(type === Tok.Keyword && WORDS[k] === 'as') &&
      !(type === Tok.Word && WORDS[k - 1] === 'as')
    )
      return false
  }
  return depth > 0 && TYPES[n - 1] !== Tok.Word
}

/** `(0,1)`, `(2147483647,-1)`: a list of literals closing the value, as after an injected `IN`. */
function literalList(i: number, n: number): boolean {
  if (i >= n) return true
  for (let k = i; k < n; k++) {
    const type = TYPES[k]
    if (type === Tok.RParen) return k + 1 === n || TYPES[k + 1] === Tok.Comment
    if (type !== Tok.Number && type !== Tok.String && type !== Tok.Comma && type !== Tok.Op) return false
  }
  return false
}

/**
 * A value opening with `xor`, or with `or`/`and` and a literal, that ends on an operator or on the
 * literal: `xor 5-`, `xor 'b' >`, `or 88`. Prose does not open with a conjunction and a bare number.
 */
function danglingLogic(first: number, n: number): boolean {
  const type = TYPES[first + 1]
  const next = TYPES[first + 2]
  if (WORDS[first] === 'xor') return type === Tok.Number || type === Tok.String || type === Tok.Var || type === Tok.Bool
  if (type !== Tok.Number && type !== Tok.String) return false
  return first + 2 >= n || ((next === Tok.Cmp || next === Tok.Op) && first + 3 >= n)
}

/** A comparison of two literals opening the value: `'a'!='b`, `"x"="x`. */
function literalsCompared(value: string): boolean {
  const c = codeAt(value, 0)
  if (c !== 39 && c !== 34) return false
  tokenize(value, 0, 3)
  return TYPES[0] === Tok.String && TYPES[1] === Tok.Cmp && (TYPES[2] === Tok.String || TYPES[2] === Tok.OpenString)
}

/** Statements and clauses that open no sentence: a value starting with one is SQL. */
const LEADING_STATEMENTS = new Set([
  'create',
  'alter',
  'drop',
  'truncate',
  'exec',
  'execute',
  'declare',
  'waitfor',
  'shutdown',
  'procedure',
  'into',
  'insert',
  'having',
])

/** `SELECT char(`, `SELECT iif(`, `SELECT pg_sleep`: a select list that opens with a function. */
function selectsCall(i: number, n: number): boolean {
  if (TYPES[i] === Tok.Word) return DANGEROUS_FUNCTIONS.has(WORDS[i])
  if (TYPES[i] !== Tok.Func) return false
  // "SELECT COUNT(*) is faster" goes on in prose after the call; SQL ends, lists or goes on with FROM.
  let depth = 0
  for (let k = i + 1; k < n; k++) {
    if (TYPES[k] === Tok.LParen) depth++
    else if (TYPES[k] === Tok.RParen && --depth === 0) {
      const after = TYPES[k + 1]
      return (
        after === 0 ||
        after === Tok.Comma ||
        after === Tok.Comment ||
        after === Tok.Semi ||
        WORDS[k + 1] === 'from' ||
        after === Tok.Op
      )
    }
  }
  return true
}

/** A value that is a fingerprinting or oracle function name with its parenthesis left open: `database(`. */
function openCall(value: string): boolean {
  const name = value.slice(0, -1).trim()
  return PROBES.has(name) || DANGEROUS_FUNCTIONS.has(name)
}

/** `||`, `&&`, `@@` and the two-letter `or`, which the three-character literal scan cannot hold. */
function hasSqlOperators(value: string, chars: number): boolean {
  if ((chars & PIPE) !== 0 && (value.indexOf('||') !== -1 || value.indexOf('&&') !== -1)) return true
  if ((chars & AT) !== 0 && value.indexOf('@@') !== -1) return true
  for (let at = value.indexOf('or'); at !== -1; at = value.indexOf('or', at + 2)) {
    if (wholeWord(value, at, at + 2)) return true
  }
  return false
}

/** Reads the value as if it followed a quote; without SQL words only the break-out right after the quote can matter. */
function quotedBreakout(value: string, quote: number, words: boolean): boolean {
  const n = tokenize(value, quote, words ? Number.MAX_SAFE_INTEGER : BREAKOUT_TOKENS)
  if (TYPES[0] !== Tok.String) return false
  // A value that opens with the quote and operates at once: the `'='`, `'<>'` and `'&'` login bypasses.
  if (
    codeAt(value, 0) === quote &&
    (TYPES[1] === Tok.Cmp || TYPES[1] === Tok.Op) &&
    n > 2 &&
    TYPES[2] >= Tok.String &&
    TYPES[2] <= Tok.OpenString
  )
    return true
  // `' or abc!`, `' xor x<`: a break-out opening the value, a conjunction, an operand and a dangling operator.
  if (
    codeAt(value, 0) === quote &&
    TYPES[1] === Tok.Logic &&
    TYPES[2] >= Tok.String &&
    TYPES[2] <= Tok.Word &&
    (TYPES[3] === Tok.Op || TYPES[3] === Tok.Cmp) &&
    n === 4
  )
    return true
  return follows(0, n, true) || (words && anywhere(n))
}

/** Does an attack follow the token at `at`, the point where the value left its literal? */
function follows(at: number, n: number, quoted: boolean): boolean {
  let i = at + 1
  while (i < n && TYPES[i] === Tok.RParen) i++
  const closedParens = i > at + 1
  if (i >= n) return false
  switch (TYPES[i]) {
    case Tok.Comment:
      return quoted || closedParens
    case Tok.Logic:
      return operand(i + 1, n, quoted)
    case Tok.Cmp:
    case Tok.Op:
      if (TYPES[i + 1] === Tok.LParen && (WORDS[i + 2] === 'select' || TYPES[i + 2] === Tok.Func)) return true
      // A break-out then `IS [NOT] NULL`: the condition the injected quote leaves behind.
      if (
        quoted &&
        WORDS[i] === 'is' &&
        (TYPES[i + 1] === Tok.Bool || (WORDS[i + 1] === 'not' && TYPES[i + 2] === Tok.Bool))
      )
        return true
      // A number matched as text: `1 regexp '^a'`, `7 like '7%'` — no sentence compares a number so.
      if (
        TYPES[at] === Tok.Number &&
        PATTERN_MATCH.has(WORDS[i]) &&
        (TYPES[i + 1] === Tok.String || TYPES[i + 1] === Tok.OpenString)
      )
        return true
      return quoted && i + 1 < n && (TYPES[i + 1] === Tok.Func || (i + 2 < n && breaksAfterOperand(TYPES[i + 2])))
    case Tok.Union:
      return unionSelect(i, n)
    case Tok.Semi:
      return (quoted && (i + 1 === n || TYPES[i + 1] === Tok.Comment)) || isStatement(i + 1, n, false)
    case Tok.Comma:
      return (
        quoted && i + 1 < n && (TYPES[i + 1] === Tok.Func || (TYPES[i + 1] === Tok.LParen && WORDS[i + 2] === 'select'))
      )
    case Tok.Keyword:
      return clause(i, n) || (quoted && isStatement(i, n, false))
    default:
      return false
  }
}

function breaksAfterOperand(type: Tok | 0): boolean {
  return type === Tok.Logic || type === Tok.Comment || type === Tok.Semi || type === Tok.Union
}

/** After `or`/`and`: a tautology, an oracle call or a sub-select. */
function operand(i: number, n: number, quoted: boolean): boolean {
  // `xor` has no use in prose: any literal after it is an operand.
  if (WORDS[i - 1] === 'xor' && TYPES[i] >= Tok.String && TYPES[i] <= Tok.Word) return true
  while (i < n && (TYPES[i] === Tok.Op || (TYPES[i] === Tok.Logic && WORDS[i] === 'not'))) i++
  if (i >= n) return false
  const type = TYPES[i]
  if (type === Tok.Func || type === Tok.LParen) return true
  if (type === Tok.Word && TYPES[i + 1] === Tok.LParen && comparedCall(i + 1, n)) return true
  if (type !== Tok.Number && type !== Tok.Bool && type !== Tok.String && type !== Tok.Var && type !== Tok.Word)
    return false
  const next = i + 1 < n ? TYPES[i + 1] : 0
  if (next === Tok.Cmp || (next === Tok.Op && (quoted || WORDS[i + 1] !== '-'))) {
    if (i + 2 >= n) return quoted && type !== Tok.Word
    // Unquoted prose like "a or b = c" compares words; an injection compares a thing with itself.
    return quoted || type !== Tok.Word || TYPES[i + 2] !== Tok.Word || wordText(i) === wordText(i + 2)
  }
  if (!quoted) return type === Tok.Bool && (next === 0 || next === Tok.Comment)
  if (type === Tok.Word || type === Tok.String) return false
  return next === 0 || next === Tok.Comment || next === Tok.Logic || next === Tok.RParen || next === Tok.Semi
}

/** Clauses that only make sense appended to a query: ORDER BY 1, GROUP BY, HAVING, LIMIT, INTO OUTFILE. */
function clause(i: number, n: number): boolean {
  const word = WORDS[i]
  const next = WORDS[i + 1]
  if ((word === 'order' || word === 'group') && next === 'by') {
    const after = i + 3 < n ? TYPES[i + 3] : 0
    return (
      TYPES[i + 2] === Tok.Number ||
      (TYPES[i + 2] === Tok.Word &&
        (after === 0 ||
          after === Tok.Comment ||
          after === Tok.Comma ||
          after === Tok.Semi ||
          WORDS[i + 3] === 'having'))
    )
  }
  if (word === 'having') return (i + 2 < n && TYPES[i + 2] === Tok.Cmp) || TYPES[i + 1] === Tok.Func
  if (word === 'limit')
    return TYPES[i + 1] === Tok.Number && (i + 2 === n || TYPES[i + 2] === Tok.Comment || TYPES[i + 2] === Tok.Comma)
  if (word === 'into') return next === 'outfile' || next === 'dumpfile'
  if (word === 'procedure') return next === 'analyse' || next === 'analyze'
  if (word === 'waitfor') return next === 'delay' || next === 'time'
  return false
}

/** Is a whole SQL statement starting at `i`? `strictSelect` asks more of SELECT at the start of prose. */
function isStatement(i: number, n: number, strictSelect: boolean): boolean {
  if (i >= n) return false
  const word = WORDS[i]
  const next = WORDS[i + 1]
  if (TYPES[i] === Tok.Func && word === 'select') return !strictSelect
  if (TYPES[i] !== Tok.Keyword) return false
  switch (word) {
    case 'select':
      return selectList(i + 1, n, strictSelect)
    case 'insert':
      return next === 'into'
    case 'delete':
      return next === 'from'
    case 'update':
      return TYPES[i + 1] === Tok.Word && WORDS[i + 2] === 'set'
    case 'drop':
    case 'create':
    case 'alter':
    case 'truncate':
      return DROP_OBJECTS.has(next)
    case 'exec':
    case 'execute':
      return (
        /^(?:xp_|sp_|master\.)/.test(wordText(i + 1)) ||
        TYPES[i + 1] === Tok.LParen ||
        TYPES[i + 1] === Tok.Var ||
        next === 'immediate'
      )
    case 'declare':
      return TYPES[i + 1] === Tok.Var
    case 'shutdown':
      return i + 1 === n || TYPES[i + 1] === Tok.Comment || TYPES[i + 1] === Tok.Semi
    case 'waitfor':
      return next === 'delay' || next === 'time'
    default:
      return false
  }
}

/** SELECT followed by an SQL-shaped list: `*`, numbers, functions, variables, commas, then FROM. */
function selectList(i: number, n: number, strict: boolean): boolean {
  if (i >= n) return false
  const first = TYPES[i]
  if (
    !strict &&
    (first === Tok.Number ||
      first === Tok.Func ||
      first === Tok.Var ||
      first === Tok.Bool ||
      first === Tok.String ||
      first === Tok.LParen ||
      WORDS[i] === '*' ||
      WORDS[i] === 'case')
  )
    return true
  let sqlish = false
  for (let j = i; j < n && j < i + 16; j++) {
    const type = TYPES[j]
    if (type === Tok.Keyword && WORDS[j] === 'from') {
      if (sqlish) return true
      const after = j + 2 < n ? TYPES[j + 2] : 0
      return (
        TYPES[j + 1] === Tok.Word &&
        (after === 0 ||
          after === Tok.Semi ||
          after === Tok.Comment ||
          after === Tok.RParen ||
          WORDS[j + 2] === 'where' ||
          WORDS[j + 2] === 'limit')
      )
    }
    if (type === Tok.Func || type === Tok.Var || type === Tok.Comma || type === Tok.Number || WORDS[j] === '*')
      sqlish = true
    else if (type !== Tok.Word && type !== Tok.Keyword) return false
  }
  return false
}

/** UNION [ALL | DISTINCT] [(] SELECT: the set operation that appends attacker rows. */
function unionSelect(i: number, n: number): boolean {
  let j = i + 1
  while (
    j < n &&
    (TYPES[j] === Tok.LParen || WORDS[j] === 'all' || WORDS[j] === 'distinct' || WORDS[j] === 'distinctrow')
  )
    j++
  return WORDS[j] === 'select'
}

/**
 * `) AS name FROM`, `1234 AS "x" FROM`, `` ` AS `col` FROM``: a column alias after an expression, then
 * FROM — the tail of a select list the value closes. In prose "as" follows a word.
 */
function aliasFrom(i: number, n: number): boolean {
  const prev = i > 0 ? TYPES[i - 1] : 0
  const quotedName = prev === Tok.Word && WORDS[i - 1] === ''
  if (prev !== Tok.RParen && prev !== Tok.Number && prev !== Tok.String && !quotedName) return false
  const alias = TYPES[i + 1]
  return (alias === Tok.Word || alias === Tok.String) && i + 2 < n && WORDS[i + 2] === 'from'
}

/** `CASE WHEN … THEN`: opening the value or after an operator, a parenthesis, a comma or SELECT. */
function caseThen(i: number, n: number): boolean {
  const prev = i > 0 ? TYPES[i - 1] : 0
  if (
    prev !== 0 &&
    prev !== Tok.Op &&
    prev !== Tok.Cmp &&
    prev !== Tok.LParen &&
    prev !== Tok.Comma &&
    WORDS[i - 1] !== 'select'
  )
    return false
  for (let k = i + 2; k < n && k < i + 16; k++) if (WORDS[k] === 'then') return true
  return false
}

/** Patterns that are attacks wherever they appear in the plain reading. */
function anywhere(n: number): boolean {
  for (let i = 0; i < n; i++) {
    const type = TYPES[i]
    const prev = i > 0 ? TYPES[i - 1] : 0
    if (type === Tok.Union) {
      if (unionSelect(i, n)) return true
    } else if (type === Tok.Semi || (type === Tok.LParen && WORDS[i + 1] === 'select')) {
      // A sub-select as an argument (`convert(int,(select …`) is code; after prose it must read as a whole query.
      const argument = prev === Tok.Comma || prev === Tok.LParen || prev === Tok.Op || prev === Tok.Cmp
      if (isStatement(i + 1, n, type === Tok.LParen && !argument)) return true
    } else if (type === Tok.Func) {
      const word = WORDS[i]
      if (PROBES.has(word) && TYPES[i + 1] === Tok.LParen && TYPES[i + 2] === Tok.RParen) return true
      // sleep(5) is an attack after an operator, or anywhere with a bare number or a nested call as argument;
      // "sleep(8 hours)" is prose.
      // if(1=1, …) and iif(…): a conditional on a comparison is how blind injection asks yes-or-no questions.
      if (
        (word === 'if' || word === 'iif') &&
        TYPES[i + 1] === Tok.LParen &&
        (TYPES[i + 2] === Tok.Number || TYPES[i + 2] === Tok.String) &&
        TYPES[i + 3] === Tok.Cmp
      )
        return true
      const argument = TYPES[i + 2]
      const numeric = argument === Tok.Number && (TYPES[i + 3] === Tok.RParen || TYPES[i + 3] === Tok.Comma)
      if (
        DANGEROUS_FUNCTIONS.has(word) &&
        ((prev !== 0 && prev !== Tok.Word && prev !== Tok.Other) ||
          numeric ||
          argument === Tok.LParen ||
          argument === Tok.Func)
      )
        return true
    } else if (type === Tok.Var) {
      if (WORDS[i].startsWith('@@') && WORDS[i].length > 2) return true
    } else if (
      type === Tok.Cmp &&
      prev === Tok.RParen &&
      (WORDS[i] === 'like' || WORDS[i] === 'rlike' || WORDS[i] === 'regexp') &&
      TYPES[i + 1] === Tok.LParen
    ) {
      // `) like (`: a condition spliced between two parenthesised operands.
      return true
    } else if (type === Tok.Keyword) {
      if (
        WORDS[i] === 'waitfor' &&
        (WORDS[i + 1] === 'delay' || WORDS[i + 1] === 'time') &&
        TYPES[i + 2] === Tok.String
      )
        return true
      if (WORDS[i] === 'into' && (WORDS[i + 1] === 'outfile' || WORDS[i + 1] === 'dumpfile')) return true
      if (WORDS[i] === 'as' && aliasFrom(i, n)) return true
      if (WORDS[i] === 'case' && WORDS[i + 1] === 'when' && caseThen(i, n)) return true
      if (WORDS[i] === 'when' && prev === Tok.RParen && caseThen(i - 1, n)) return true
      if (WORDS[i] === 'having' && clause(i, n)) return true
    }
  }
  return false
}
