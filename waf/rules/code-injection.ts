import { Family, scanSignatures } from '../signatures.js'
import { codeAt } from '../char-code.js'
import { EMBEDDED_PHP_CALLS, PHP_CALLS } from './php-functions.js'

/** Calls that need a string or variable argument to be an attack: `exec('ls')`, `assert($_POST[x])`. */
const ARGUMENT_CALLS = new Set(['exec', 'assert', 'system', 'eval'])
const DOTTED_CALLS = new Set([
  'os.system',
  'os.popen',
  'os.execl',
  'os.execv',
  'os.execve',
  'os.execlp',
  'os.execvp',
  'os.spawnl',
])
const SERIALIZED = /(?:^|[^a-z0-9])(?:[oc]:\+?\d{1,5}:"[a-z0-9_\\]{1,128}":\d{1,5}:\{|a:\d{1,5}:\{[isbdo]:)/
const PHP_COMMENTS = /\/\*[^*]{0,256}\*\/|(?:\/\/|#)[^\n]{0,256}\n/g
// The callees VARIABLE_CALL knows: `$f`, `$$f`, `${'f'}`, `->$f`, `::$f`.
const PHP_VARIABLE = String.raw`\$+(?:[a-z_\x7f-\uffff][a-z0-9_\x7f-\uffff]{0,64}|\{[^{}]{1,64}\})`
const MEMBER_VARIABLE = String.raw`(?:->|::)\$[a-z_][a-z0-9_]{0,64}`
/** Array or string offsets after the variable: `$f[0]`, `$f{0}`. */
const OFFSETS = String.raw`(?:\s{0,8}(?:\[[^\]]{1,64}\]|\{[^{}]{1,64}\}))*`
/**
 * A call whose callee is a variable (`$f(`, `$$f(`, `${'f'}(`, `$a[1]['b'] (`, `$o->$m(`, `A::$m(`):
 * PHP's variable functions, how web shells hide the function they call.
 */
const VARIABLE_CALL = new RegExp(String.raw`(?:${PHP_VARIABLE}|${MEMBER_VARIABLE})${OFFSETS}\s{0,8}\(`)
/** A call whose callee is an expression ending a PHP statement: `(system)(…);`, `"sys"."tem"(…);`, `[f][0](…);`. */
const EXPRESSION_CALL = /[)\]}"']\s{0,8}\([^()]{0,256}(?:\([^()]{0,64}\)[^()]{0,64})?\)\s{0,8};/
/** A variable variable: `$ {…}` (PHP alone allows the space) or `${'name'}`. */
const VARIABLE_VARIABLE = /\$\s{1,32}\{|\$\{\s{0,32}['"]/
/** A callee spelled by joining strings and called at once: `("sys"."tem")("id")`. */
const CONCATENATED_CALLEE =
  /\(\s{0,4}["'][a-z_]{0,32}["'](?:\s{0,4}\.\s{0,4}["'][a-z_]{0,32}["']){1,8}\s{0,4}\)\s{0,4}\(/
/** PHP functions that call a function they are given by name. */
const CALLBACK_TAKER = [
  'array_map|array_filter|array_walk(?:_recursive)?|array_reduce|usort|uasort|uksort',
  'call_user_func(?:_array)?|forward_static_call(?:_array)?|register_shutdown_function|register_tick_function',
  'iterator_apply|ob_start|preg_replace_callback|spl_autoload_register|set_error_handler|set_exception_handler',
].join('|')
/** PHP functions that run a command, evaluate code, write a file or unserialize. */
const HIGH_RISK_FUNCTION = [
  'system|exec|shell_exec|passthru|popen|proc_open|assert|eval|pcntl_exec',
  'create_function|file_put_contents|unserialize|phpinfo',
].join('|')
/** A PHP function that calls back a function it is given by name, handed a high-risk one: `array_map('system', …)`. */
const CALLBACK_CALL = new RegExp(String.raw`(?:${CALLBACK_TAKER})\s{0,4}\([^()]{0,64}["'](?:${HIGH_RISK_FUNCTION})["']`)
/** php.ini sections, the prefix of dotted directive names (`opcache.jit`). */
const PHP_INI_SECTION = [
  'session|opcache|mbstring|zend|pcre|xdebug|phar|assert|sqlite3|soap|apc|apcu|intl|iconv|mysqli|mysqlnd',
  'pdo_mysql|suhosin|user_ini|realpath_cache|cgi|fastcgi|zlib|openssl|unserialize',
].join('|')
/** Core php.ini directives, by what they change. */
const PHP_INI_DIRECTIVE = [
  'max_execution_time|max_input_time|max_input_vars|memory_limit|post_max_size|upload_max_filesize',
  'upload_tmp_dir|extension_dir|zend_extension|short_open_tag|expose_php|register_globals|magic_quotes_gpc',
  'safe_mode|sendmail_path|sendmail_from|unserialize_max_depth|unserialize_callback_func',
  'display_startup_errors|display_errors|error_reporting|log_errors|error_log|html_errors',
  String.raw`include_path|enable_dl|file_uploads|output_handler|user_ini\.filename`,
].join('|')
/**
 * A php.ini directive assigned at the start of a value or a line (`opcache.jit=…`, `upload_tmp_dir = /x`):
 * what an `.user.ini`, `ini_set` or `-d` injection writes. Dotted names of the extensions' sections, and
 * the core directives whose names no form field uses.
 */
const PHP_INI_ASSIGNMENT = new RegExp(
  String.raw`(?:^|[\n;])\s{0,4}(?:(?:${PHP_INI_SECTION})\.[a-z_.]{2,48}|${PHP_INI_DIRECTIVE})\s{0,4}=`,
)
const PHP_VARIABLE_CALL = /\$_[a-z]{2,8}\s{0,4}\[[^\]]{0,64}\]\s{0,4}\(|\$[a-z_][a-z0-9_]{0,30}\s{0,4}\(\s{0,4}\$/

/**
 * Detects PHP, Java, Python and Node.js code injection, serialized-object payloads, SSI and XXE:
 * one literal-set pass, one pass over the calls (`name(`), and a few patterns behind their anchors.
 * Linear in the value's length.
 *
 * @param value - the normalised (decoded, lower-cased) value
 * @param hits - the value's `scanSignatures` result, when the caller already has it
 * @returns whether the value carries code for the server to run
 * @example
 * ```ts
 * detectCodeInjection('<?php system($_GET["c"]); ?>')  // true
 * detectCodeInjection('const m = /x/.exec(s)')       // false
 * ```
 */
export function detectCodeInjection(value: string, hits: number = scanSignatures(value)): boolean {
  if ((hits & Family.Code) !== 0) return true
  if (value.indexOf('(') !== -1) {
    // PHP drops comments anywhere between tokens: `system/*x*/(`, `system //c⏎(`, `system #c⏎(`.
    const code = /\/\*|\/\/|#/.test(value) ? value.replace(PHP_COMMENTS, ' ') : value
    if (hasDangerousCall(code) || VARIABLE_CALL.test(code) || EXPRESSION_CALL.test(code)) return true
    if (CONCATENATED_CALLEE.test(code) || CALLBACK_CALL.test(code)) return true
  }
  if (value.indexOf('$') !== -1 && VARIABLE_VARIABLE.test(value)) return true
  if (value.indexOf('<?') !== -1 && /<\?(?!xml)[a-z\s]/.test(value)) return true
  if (value.indexOf(':') !== -1 && SERIALIZED.test(value)) return true
  if (value.indexOf('=') !== -1 && PHP_INI_ASSIGNMENT.test(value)) return true
  return value.indexOf('$') !== -1 && PHP_VARIABLE_CALL.test(value)
}

function hasDangerousCall(value: string): boolean {
  for (let paren = value.indexOf('('); paren !== -1; paren = value.indexOf('(', paren + 1)) {
    let end = paren
    while (end > 0 && end > paren - 16 && codeAt(value, end - 1) <= 32) end--
    let start = end
    while (start > 0 && end - start < 40 && isNameChar(codeAt(value, start - 1))) start--
    if (start === end) continue
    const name = value.slice(start, end)
    const before = start === 0 ? 32 : codeAt(value, start - 1)
    const method = before === 36 || before === 62 || before === 58 || codeAt(name, 0) === 46
    if (DOTTED_CALLS.has(name)) return true
    if (method || name.indexOf('.') !== -1) continue
    if (PHP_CALLS.has(name)) return true
    for (let k = 1; k + 8 <= name.length; k++) if (EMBEDDED_PHP_CALLS.has(name.slice(k))) return true
    if (ARGUMENT_CALLS.has(name) && /^\s{0,4}['"$]/.test(value.slice(paren + 1, paren + 6))) return true
  }
  return false
}

function isNameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 46
}
