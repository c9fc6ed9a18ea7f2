/**
 * Code injection signatures of PHP, Java, Python and Node.js (OWASP CRS 933, 934 and 944), plus
 * server-side includes and XML external entities. Each alternative is a literal or has bounded
 * repetition, so the pattern runs in linear time. Functions count only as calls (`system(`) and not
 * after a `.`, so `regex.exec(s)` in a code snippet stays clean.
 */
const SIGNATURES = new RegExp(
  [
    // PHP
    '<\\?php', '<\\?=', '<\\?\\s', '<\\?(?!xml)[a-z]', '\\[/?php\\]',
    'allow_url_(?:include|fopen)', 'auto_(?:prepend|append)_file', 'disable_functions', 'open_basedir',
    '\\$_[a-z]{2,8}\\s{0,4}\\[[^\\]]{0,64}\\]\\s{0,4}\\(', '\\$[a-z_][a-z0-9_]{0,30}\\s{0,4}\\(\\s{0,4}\\$', '(?:php|phar|zip|expect|glob|data|compress\\.zlib|compress\\.bzip2|ogg|rar|ssh2)://',
    '\\$_(?:get|post|request|server|cookie|files|env|session)\\b', '\\$globals\\b', '\\$http_raw_post_data',
    '(?:^|[^a-z0-9_.$>:])(?:system|shell_exec|passthru|popen|proc_open|pcntl_exec|eval|base64_decode|gzinflate|gzuncompress|str_rot13|file_get_contents|file_put_contents|phpinfo|create_function|call_user_func(?:_array)?|unserialize|highlight_file|show_source|move_uploaded_file|preg_replace|fsockopen|pfsockopen)\\s{0,8}\\(',
    '(?:^|[^a-z0-9_.$>:])exec\\s{0,8}\\(\\s{0,4}[\'"$]', 'assert\\s{0,8}\\(\\s{0,4}[$\'"]', 'o:\\d{1,5}:"[a-z0-9_\\\\]{1,128}":\\d{1,5}:\\{', 'a:\\d{1,5}:\\{[isbdo]:',
    // Java and expression languages
    'java\\.lang\\.(?:runtime|processbuilder|reflect|class|system)', 'runtime\\.getruntime\\(', 'getruntime\\(\\)\\.exec',
    'new\\s{1,8}processbuilder', '\\.getclass\\(\\)\\.forname', 'class\\.forname\\(', 'javax\\.script', 'scriptenginemanager',
    '(?:^|[\\s="\'])ro0ab', '(?:^|[\\s="\'])aced0005', '#_memberaccess', '@java\\.lang', 'ognl\\.ognlcontext', 'xwork\\.methodaccessor',
    'invokertransformer', 'chainedtransformer', 'instantiatetransformer', 'constanttransformer', 'java\\.beans\\.xmldecoder',
    'java\\.net\\.urlclassloader', 'org\\.apache\\.commons\\.collections', 'com\\.opensymphony\\.xwork2', 'javax\\.management',
    '(?:^|[\\s="\'])(?:kztaau|cs7qaf)', '%\\{\\(#', '\\(#dm=', 'class\\.module\\.classloader', '\\$\\{jndi:', 'com\\.sun\\.(?:org\\.apache|rowset|jndi)', 'jdbcrowsetimpl', 'templatesimpl', '"@type"\\s{0,4}:\\s{0,4}"(?:com|org|java|javax)\\.', 'java\\.io\\.(?:file|objectinputstream)',
    // Python
    '__import__\\s{0,4}\\(', '(?:^|[^a-z0-9_])os\\.(?:system|popen|exec[lv]p?e?)\\s{0,4}\\(', 'subprocess\\.(?:call|popen|run|check_output)',
    'pickle\\.loads', '__builtins__', '__globals__', '__subclasses__', '__class__\\.__', '__mro__',
    // Node.js
    '_\\$\\$nd_func\\$\\$_', '__js_function', 'process\\.spawn\\(', 'kernel\\.(?:exec|system|spawn)', 'io\\.popen', '%x\\{',
    'child_process', 'process\\.mainmodule', 'process\\.binding\\(', 'constructor\\.constructor', '__proto__', 'constructor\\.prototype',
    'require\\s{0,4}\\(\\s{0,4}[\'"`](?:child_process|fs|net|vm)[\'"`]',
    // Server-side includes and XML external entities
    '<!--\\s{0,4}#\\s{0,4}(?:exec|include|echo|config|printenv)', '<!entity[^>]{0,256}(?:system|public)', '<!doctype[^>]{0,256}\\[',
  ].join('|'),
)

/**
 * Detects PHP, Java, Python and Node.js code injection, serialized-object payloads, SSI and XXE.
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
  return SIGNATURES.test(value)
}
