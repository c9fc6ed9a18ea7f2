import { LiteralSet, type LiteralGuard } from '../literal-set.js'

/** A guard that runs a sticky pattern right after the literal. */
function followedBy(pattern: RegExp): LiteralGuard {
  const sticky = new RegExp(pattern.source, 'y')
  return (text, _start, end) => {
    sticky.lastIndex = end
    return sticky.test(text)
  }
}

/** A guard that wants the literal at the start of the value or after a space, `=` or quote (base64 and hex blobs). */
const AT_VALUE_START: LiteralGuard = (text, start) => start === 0 || ' \t="\''.includes(text[start - 1])
/** A guard that wants a word boundary after the literal (`$_get` but not `$_getter`). */
const WORD_END: LiteralGuard = (text, _start, end) => !/[a-z0-9_]/.test(text.charAt(end))

/**
 * Code injection signatures of PHP, Java, Python and Node.js (OWASP CRS 933, 934 and 944 families),
 * plus server-side includes and XML external entities.
 */
const SIGNATURES = new LiteralSet([
  // PHP
  '<?php', '<?=', '[php]', '[/php]', 'allow_url_include', 'allow_url_fopen', 'auto_prepend_file', 'auto_append_file',
  'disable_functions', 'open_basedir', 'php://', 'phar://', 'zip://', 'expect://', 'glob://', 'data://', 'compress.zlib://',
  'compress.bzip2://', 'ogg://', 'rar://', 'ssh2.', '$globals', '$http_raw_post_data',
  ...['$_get', '$_post', '$_request', '$_server', '$_cookie', '$_files', '$_env', '$_session'].map((v) => [v, WORD_END] as const),
  // Java, expression languages, deserialization gadgets
  'java.lang.runtime', 'java.lang.processbuilder', 'java.lang.reflect', 'java.lang.class', 'java.lang.system', 'runtime.getruntime(',
  'getruntime().exec', '.getclass().forname', 'class.forname(', 'javax.script', 'scriptenginemanager', '#_memberaccess', '@java.lang',
  'ognl.ognlcontext', 'xwork.methodaccessor', '%{(#', '(#dm=', 'class.module.classloader', '${jndi:', 'com.sun.org.apache',
  'com.sun.rowset', 'com.sun.jndi', 'jdbcrowsetimpl', 'templatesimpl', 'java.io.file', 'java.io.objectinputstream',
  'invokertransformer', 'chainedtransformer', 'instantiatetransformer', 'constanttransformer', 'java.beans.xmldecoder',
  'java.net.urlclassloader', 'org.apache.commons.collections', 'com.opensymphony.xwork2', 'javax.management',
  ['"@type"', followedBy(/\s{0,4}:\s{0,4}"(?:com|org|java|javax)\./)],
  ...['ro0ab', 'aced0005', 'kztaau', 'cs7qaf'].map((v) => [v, AT_VALUE_START] as const),
  // Python
  '__import__', 'subprocess.call', 'subprocess.popen', 'subprocess.run', 'subprocess.check_output', 'pickle.loads', '__builtins__',
  '__globals__', '__subclasses__', '__class__.__', '__mro__',
  // Node.js and Ruby
  '_$$nd_func$$_', '__js_function', 'process.spawn(', 'kernel.exec', 'kernel.system', 'kernel.spawn', 'io.popen', '%x{',
  'child_process', 'process.mainmodule', 'process.binding(', 'constructor.constructor', '__proto__', 'constructor.prototype',
  // Server-side includes and XML external entities
  ['<!--', followedBy(/\s{0,4}#\s{0,4}(?:exec|include|echo|config|printenv)/)],
  ['<!entity', followedBy(/[^>]{0,256}(?:system|public)/)],
  ['<!doctype', followedBy(/[^>]{0,256}\[/)],
])

/** PHP functions that run code, commands or files; flagged only as calls, and not as methods (`->system(`, `re.exec(`). */
const PHP_CALLS = new Set([
  'system', 'shell_exec', 'passthru', 'popen', 'proc_open', 'pcntl_exec', 'eval', 'base64_decode', 'gzinflate', 'gzuncompress',
  'str_rot13', 'file_get_contents', 'file_put_contents', 'phpinfo', 'create_function', 'call_user_func', 'call_user_func_array',
  'unserialize', 'highlight_file', 'show_source', 'move_uploaded_file', 'preg_replace', 'fsockopen', 'pfsockopen', 'processbuilder',
])
/** Calls that need a string or variable argument to be an attack: `exec('ls')`, `assert($_POST[x])`. */
const ARGUMENT_CALLS = new Set(['exec', 'assert'])
const DOTTED_CALLS = new Set(['os.system', 'os.popen', 'os.execl', 'os.execv', 'os.execve', 'os.execlp', 'os.execvp', 'os.spawnl'])
const SERIALIZED = /(?:^|[^a-z0-9])(?:o:\d{1,5}:"[a-z0-9_\\]{1,128}":\d{1,5}:\{|a:\d{1,5}:\{[isbdo]:)/
const PHP_VARIABLE_CALL = /\$_[a-z]{2,8}\s{0,4}\[[^\]]{0,64}\]\s{0,4}\(|\$[a-z_][a-z0-9_]{0,30}\s{0,4}\(\s{0,4}\$/

/**
 * Detects PHP, Java, Python and Node.js code injection, serialized-object payloads, SSI and XXE:
 * one literal-set pass, one pass over the calls (`name(`), and a few patterns behind their anchors.
 * Linear in the value's length.
 *
 * @param value - the normalised (decoded, lower-cased) value
 * @returns whether the value carries code for the server to run
 * @example
 * ```ts
 * detectCodeInjection('<?php system($_GET["c"]); ?>')  // true
 * detectCodeInjection('const m = /x/.exec(s)')       // false
 * ```
 */
export function detectCodeInjection(value: string): boolean {
  if (SIGNATURES.test(value)) return true
  if (value.indexOf('(') !== -1 && hasDangerousCall(value)) return true
  if (value.indexOf('<?') !== -1 && /<\?(?!xml)[a-z\s]/.test(value)) return true
  if (value.indexOf(':') !== -1 && SERIALIZED.test(value)) return true
  return value.indexOf('$') !== -1 && PHP_VARIABLE_CALL.test(value)
}

function hasDangerousCall(value: string): boolean {
  for (let paren = value.indexOf('('); paren !== -1; paren = value.indexOf('(', paren + 1)) {
    let end = paren
    while (end > 0 && end > paren - 8 && value.charCodeAt(end - 1) <= 32) end--
    let start = end
    while (start > 0 && end - start < 40 && isNameChar(value.charCodeAt(start - 1))) start--
    if (start === end) continue
    const name = value.slice(start, end)
    const before = start === 0 ? 32 : value.charCodeAt(start - 1)
    const method = before === 36 || before === 62 || before === 58 || name.charCodeAt(0) === 46
    if (DOTTED_CALLS.has(name)) return true
    if (method || name.indexOf('.') !== -1) continue
    if (PHP_CALLS.has(name)) return true
    if (ARGUMENT_CALLS.has(name) && /^\s{0,4}['"$]/.test(value.slice(paren + 1, paren + 6))) return true
  }
  return false
}

function isNameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 46
}
