import { LiteralSet, type LiteralEntry, type LiteralGuard } from './literal-set.js'
import { FUNCTIONS, STATEMENT_KEYWORDS } from './rules/sql-tokenizer.js'
import { BOURNE_AND_C_SHELLS } from './rules/shell-commands.js'
import { codeAt } from './char-code.js'

/**
 * The rule family each literal signature belongs to; one bit each.
 *
 * @example
 * ```ts
 * if ((scanSignatures(value) & Family.LocalFile) !== 0) block('lfi')
 * ```
 */
export const enum Family {
  LocalFile = 1,
  Code = 2,
  SqlCatalog = 4,
  SqlWord = 8,
  XssSink = 16,
  Shell = 32,
  JavaGadget = 64,
}

const isLetter = (c: number): boolean => (c >= 97 && c <= 122) || c === 95

/**
 * Whole words only; digits may touch (`1union`), as MySQL allows.
 *
 * @param text - the value
 * @param start - index of the word
 * @param end - index after the word
 * @returns whether no letter touches the word on either side
 * @example
 * ```ts
 * wholeWord('1 or 2', 2, 4) // true
 * ```
 */
export const wholeWord: LiteralGuard = (text, start, end) =>
  (start === 0 || !isLetter(codeAt(text, start - 1))) && !isLetter(codeAt(text, end))
/** A function name counts when a parenthesis follows. */
const CALL: LiteralGuard = (text, start, end) =>
  wholeWord(text, start, end) && /^\s{0,8}\(/.test(text.slice(end, end + 10))

/** A guard that runs a sticky pattern right after the literal. */
function followedBy(pattern: RegExp): LiteralGuard {
  const sticky = new RegExp(pattern.source, 'y')
  return (text, _start, end) => {
    sticky.lastIndex = end
    return sticky.test(text)
  }
}

/** The literal at the start of the value or after a space, `=` or quote (base64 and hex blobs). */
const AT_VALUE_START: LiteralGuard = (text, start) => start === 0 || ' \t="\''.includes(text[start - 1])
/** A word boundary after the literal (`$_get` but not `$_getter`). */
const WORD_END: LiteralGuard = (text, _start, end) => !/[a-z0-9_]/.test(text.charAt(end))
const QUOTE_NEXT: LiteralGuard = (text, _start, end) => /^\s{0,4}['"`]/.test(text.slice(end, end + 6))
/**
 * A shell path used as a command: after a separator, `=`, or an option like `nc -e`, or followed by
 * options. Not in a `#!` line, and not named in prose ("Linux uses /bin/bash by default").
 */
const SHELL_PATH: LiteralGuard = (text, start, end) => {
  if (/[!/a-z0-9]/.test(text.charAt(start - 1)) || /[a-z0-9]/.test(text.charAt(end))) return false
  const before = text.slice(Math.max(0, start - 8), start).trimEnd()
  return before === '' || /[;|&`(=]$|\s-[a-z]$/.test(before) || /^\s{0,4}(?:-[a-z]|$)/.test(text.slice(end, end + 6))
}

function family(bit: Family, list: readonly (string | readonly [string, LiteralGuard])[]): LiteralEntry[] {
  return list.map((item) => (typeof item === 'string' ? [item, bit] : [item[0], bit, item[1]]))
}

/**
 * Files and folders whose only business in a request is being read by an attacker (OWASP CRS
 * lfi-os-files, restricted-files).
 */
const LOCAL_FILES = family(Family.LocalFile, [
  ...[
    'passwd',
    'shadow',
    'group',
    'hosts',
    'issue',
    'motd',
    'sudoers',
    'crontab',
    'fstab',
    'hostname',
    'resolv.conf',
    'mysql',
    'ssh/',
    'security/',
    'environment',
    'master.passwd',
    'pwd.db',
    'gshadow',
    'profile',
    'bashrc',
    'inittab',
    'lsb-release',
    'os-release',
    'redhat-release',
    'debian_version',
    'apache2/',
    'httpd/conf',
    'php.ini',
    'ldap',
    'mtab',
    'network',
    'nsswitch.conf',
    'pam.d',
    'syslog',
    'rsyslog',
    'xinetd',
    'init.d',
    'yum.conf',
    'my.cnf',
    'ftpusers',
    'vsftpd',
    'exports',
    'aliases',
    'cron',
    'default/',
    'login.defs',
    'sysconfig',
    'openvpn',
    'ssl/',
    'kubernetes',
    'docker',
    'machine-id',
    'knockd',
    'fail2ban',
    'modules',
    'shells',
    'sysctl',
    'systemd/',
    'samba',
    'postfix',
    'proftpd',
    'lighttpd',
    'tomcat',
    'mail/',
    'opt/',
    'apt/',
    'sudoers.d',
  ].map((f) => `etc/${f}`),
  '/var/log/apache',
  '/var/log/httpd',
  '/var/log/nginx',
  '/var/log/auth',
  '/var/log/secure',
  '/var/log/mail',
  '/var/log/messages',
  '/var/log/wtmp',
  '/var/log/lastlog',
  '/var/run/secrets',
  '/var/lib/mysql',
  '/var/mail/',
  '/var/spool/cron',
  '/root/.',
  '/sys/class/',
  '/sys/kernel/',
  '/sys/devices/',
  '.zsh_history',
  '.kube/config',
  '.npmrc',
  '.gitconfig',
  '.aws/credentials',
  'windows/repair',
  'windows/panther',
  'inetpub/',
  'drivers/etc/hosts',
  'config/sam',
  'repair/sam',
  'applicationhost.config',
  'tomcat-users.xml',
  'server.xml',
  'sites/default/settings',
  'config/database.yml',
  'app/etc/local.xml',
  'configuration.php',
  'localsettings.php',
  'config.inc.php',
  'wp-config',
  '.gnupg/',
  'known_hosts',
  'id_ecdsa',
  'id_ed25519',
  '.docker/config',
  'sysprep.inf',
  'unattend.xml',
  'system32/config',
  ...['self', 'version', 'cpuinfo', 'meminfo', 'net/', 'mounts', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'].map(
    (f) => `/proc/${f}`,
  ),
  '/.ssh/',
  'id_rsa',
  'id_dsa',
  'authorized_keys',
  '.bash_history',
  '.mysql_history',
  '.psql_history',
  'php.ini',
  'my.cnf',
  'httpd.conf',
  'nginx.conf',
  '/.netrc',
  '/.pgpass',
  '.git-credentials',
  '.htaccess',
  '.htpasswd',
  'web.config',
  'wp-config.php',
  'boot.ini',
  'win.ini',
  'system.ini',
  'winnt/',
  'autoexec.bat',
  'windows/system.ini',
  '/.git/',
  '.git/config',
  '.git/head',
  '/.svn/',
  '/.hg/',
  'file://',
  '/.aws/',
  '/.docker',
  '.ds_store',
  'web-inf/',
  'meta-inf/',
  'phpinfo.php',
  // Editor and tool folders, shell histories (start-up files like `~/.bashrc` are talked about too
  // often), boot and Kerberos files, Windows system files.
  '/.idea/',
  '/.vscode/',
  '/.viminfo',
  '/.lesshst',
  '/.python_history',
  '/.node_repl_history',
  '/.rediscli_history',
  '/.sqlite_history',
  '/.xauthority',
  '/boot/grub',
  'krb5.keytab',
  'global.asa',
  '.user.ini',
  '.htdigest',
  'ntuser.dat',
  'pagefile.sys',
  'hiberfil.sys',
  '/windows/debug/',
  'system volume information',
  // `.env`, `.env.local`, `.env.production`, but not the committed `.env.example` template.
  [
    '/.env',
    (text, _start, end) =>
      end === text.length ||
      '/?'.includes(text[end]) ||
      (text[end] === '.' && !/^\.(?:example|sample|template|dist)/.test(text.slice(end, end + 10))),
  ],
])

/** PHP, Java, Python, Node.js and Ruby code (OWASP CRS 933, 934, 944), server-side includes, XML external entities. */
const CODE = family(Family.Code, [
  '<?php',
  '<?=',
  '[php]',
  '[/php]',
  'allow_url_include',
  'allow_url_fopen',
  'auto_prepend_file',
  'auto_append_file',
  'disable_functions',
  'open_basedir',
  'php://',
  'phar://',
  'zip://',
  'expect://',
  'glob://',
  'data://',
  'compress.zlib://',
  'compress.bzip2://',
  'ogg://',
  'rar://',
  'ssh2.',
  '$globals',
  '$http_raw_post_data',
  ...['$_get', '$_post', '$_request', '$_server', '$_cookie', '$_files', '$_env', '$_session'].map(
    (v) => [v, WORD_END] as const,
  ),
  'java.lang.runtime',
  'java.lang.processbuilder',
  'java.lang.reflect',
  'java.lang.class',
  'java.lang.system',
  'runtime.getruntime(',
  'getruntime().exec',
  '.getclass().forname',
  'class.forname(',
  'javax.script',
  'scriptenginemanager',
  '#_memberaccess',
  '@java.lang',
  'ognl.ognlcontext',
  'xwork.methodaccessor',
  '%{(#',
  '(#dm=',
  'class.module.classloader',
  '${jndi:',
  'com.sun.org.apache',
  'com.sun.rowset',
  'com.sun.jndi',
  'jdbcrowsetimpl',
  'templatesimpl',
  'java.io.file',
  'java.io.objectinputstream',
  'invokertransformer',
  'chainedtransformer',
  'instantiatetransformer',
  'constanttransformer',
  'java.beans.xmldecoder',
  'java.net.urlclassloader',
  'org.apache.commons.collections',
  'com.opensymphony.xwork2',
  'javax.management',
  ['"@type"', followedBy(/\s{0,4}:\s{0,4}"(?:com|org|java|javax)\./)],
  ...['ro0ab', 'aced0005', 'kztaau', 'cs7qaf'].map((v) => [v, AT_VALUE_START] as const),
  '__import__',
  'subprocess.call',
  'subprocess.popen',
  'subprocess.run',
  'subprocess.check_output',
  'pickle.loads',
  '__builtins__',
  '__globals__',
  '__subclasses__',
  '__class__.__',
  '__mro__',
  '_$$nd_func$$_',
  '__js_function',
  'process.spawn(',
  'kernel.exec',
  'kernel.system',
  'kernel.spawn',
  'io.popen',
  '%x{',
  'child_process',
  'process.mainmodule',
  'process.binding(',
  'constructor.constructor',
  '__proto__',
  'constructor.prototype',
  'constructor[prototype]',
  ['<!--', followedBy(/\s{0,4}#\s{0,4}(?:exec|include|echo|config|printenv)/)],
  ['<!entity', followedBy(/[^>]{0,256}(?:system|public)/)],
  ['<!doctype', followedBy(/[^>]{0,256}\[/)],
])

/** Catalog tables and extended procedures that only an injection names. */
const SQL_CATALOG = family(Family.SqlCatalog, [
  'information_schema',
  'mysql.user',
  'mysql.db',
  'sysobjects',
  'syscolumns',
  'sysdatabases',
  'pg_catalog',
  'pg_shadow',
  'pg_toast',
  'sqlite_master',
  'sqlite_temp_master',
  'all_tables',
  'user_tables',
  'msysaccessobjects',
  'msysobjects',
  'msysqueries',
  'msysrelationships',
  'tempdb.',
  'sys.database_name',
  'xp_cmdshell',
  'xp_regread',
  'xp_dirtree',
  'xp_servicecontrol',
  'sp_executesql',
  'sp_password',
  'sp_oacreate',
  'sp_oamethod',
  'sp_makewebtask',
  'openrowset',
  'opendatasource',
])

/**
 * Every rule of the unquoted SQL reading needs one of these words (or `||`, `&&`, `@@`, `or`), so a
 * value without them is not tokenized at all: the hot path for prose, user agents and identifiers.
 * Two-letter functions (`if(`) never decide alone: the rules need a logic word or a statement too.
 */
const SQL_WORDS = family(Family.SqlWord, [
  ...[
    'and',
    'xor',
    'not',
    'union',
    'intersect',
    'except',
    ...STATEMENT_KEYWORDS,
    'order',
    'group',
    'having',
    'limit',
    'into',
    'procedure',
    'like',
    'rlike',
    'regexp',
  ].map((w) => [w, wholeWord] as const),
  ...[...FUNCTIONS].filter((f) => f.length >= 3).map((f) => [f, CALL] as const),
])

/** DOM sinks, script globals indexed by a string, JSFuck, UTF-7 `<`, and forms posting elsewhere. */
const XSS_SINKS = family(Family.XssSink, [
  'document.cookie',
  'document.domain',
  'document.write',
  'document.location',
  'window.location',
  '.innerhtml',
  '.outerhtml',
  'string.fromcharcode',
  'expression(',
  '-moz-binding',
  'behavior:',
  '<![cdata[',
  '.constructor(',
  'srcdoc=',
  '+adw-',
  '(![]+[])',
  '!![]',
  '(![]',
  '[][',
  'new function(',
  'new function (',
  ...['window[', 'self[', 'top[', 'parent[', 'frames[', 'globalthis[', 'document[', 'this['].map(
    (g) => [g, QUOTE_NEXT] as const,
  ),
  ['<form', (text, _start, end) => /^[^>]{0,256}action=/.test(text.slice(end, end + 270))],
])

/** Shells by absolute path, reverse-shell devices, shellshock, PowerShell download-and-run idioms, Windows batch. */
const SHELL = family(Family.Shell, [
  ...[
    ...BOURNE_AND_C_SHELLS,
    'nc',
    'netcat',
    'ncat',
    'busybox',
    'python',
    'perl',
    'ruby',
    'php',
    'wget',
    'curl',
    'id',
    'cat',
    'uname',
    'whoami',
  ].flatMap((c) =>
    [`/bin/${c}`, `/usr/bin/${c}`, `/usr/local/bin/${c}`, `/sbin/${c}`].map((p) => [p, SHELL_PATH] as const),
  ),
  '/dev/tcp/',
  '/dev/udp/',
  '%comspec%',
  'invoke-expression',
  'invoke-webrequest',
  'invoke-command',
  'invoke-restmethod',
  'downloadstring(',
  'downloadfile(',
  'net.webclient',
  '-encodedcommand',
  'start-process',
  'set-executionpolicy',
  ['iex', (text, start, end) => !/[a-z]/.test(text.charAt(start - 1)) && /^\s{0,4}\(/.test(text.slice(end, end + 6))],
  ['() {', (_text, start) => start === 0],
  ['(){', (_text, start) => start === 0],
  ['if exist ', (text, start) => !/[a-z]/.test(text.charAt(start - 1))],
])

/**
 * The Apache Commons Collections transformer and factory classes a deserialization gadget chain is
 * built from: one list so the plain-text family and the base64 blob scan of `rules/java.ts` agree.
 */
export const COMMONS_COLLECTIONS_GADGETS = [
  'clonetransformer',
  'forclosure',
  'instantiatefactory',
  'instantiatetransformer',
  'invokertransformer',
  'prototypeclonefactory',
  'prototypeserializationfactory',
  'whileclosure',
  'chainedtransformer',
  'constanttransformer',
] as const

/**
 * Java class and gadget names that only a deserialization or expression-language exploit puts in a
 * request: the gadget chains of Apache Commons Collections and friends, reflection and process APIs
 * (OWASP CRS 944 java-classes and java-code lists). `rules/java.ts` also looks for them in base64.
 */
const JAVA_GADGETS = family(Family.JavaGadget, [
  ...COMMONS_COLLECTIONS_GADGETS,
  'lazymap',
  'transformedmap',
  'templatesimpl',
  'annotationinvocationhandler',
  'badattributevalueexpexception',
  'processbuilder',
  'getruntime',
  'xmldecoder',
  'jdbcrowsetimpl',
  'urlclassloader',
  'defineclass',
  'scriptenginemanager',
  'objectinputstream',
  'readobject',
  'bsh.interpreter',
  'class.classloader',
  'freemarker.template.utility',
  'system.getproperty(',
  'system.getenv(',
  'com.mchange.v2.c3p0',
  'methodhandles.lookup',
  'java.lang.reflect',
])

const ALL = new LiteralSet([
  ...LOCAL_FILES,
  ...CODE,
  ...SQL_CATALOG,
  ...SQL_WORDS,
  ...XSS_SINKS,
  ...SHELL,
  ...JAVA_GADGETS,
])

/**
 * Finds every literal signature of every rule family in one pass over the value, so the rules that
 * need literals share a single scan instead of running one regular expression each.
 *
 * @param value - the normalised (decoded, lower-cased) value
 * @returns the OR of the `Family` bits found
 * @example
 * ```ts
 * scanSignatures("x' union select 1 from information_schema.tables") // Family.SqlWord | Family.SqlCatalog
 * ```
 */
export function scanSignatures(value: string): number {
  return ALL.scan(value)
}
