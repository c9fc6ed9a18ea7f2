import { LiteralSet } from '../literal-set.js'

/** How much climbing a place tolerates before it counts as traversal. */
export const enum Climb {
  /** The request path: any `..` segment. */
  Path,
  /** Anywhere else, where markdown links climb (`../../guide.md`): starting to climb, or climbing three times. */
  Value,
}

/**
 * Path traversal: a `..` segment that climbs out of a directory. In a path any such segment counts
 * (RFC 3986 section 5.2.4 removes dot-segments, so a client never needs to send one); elsewhere a
 * value that starts by climbing or climbs repeatedly, since prose and markdown links use `../`.
 * Backslashes count as slashes, as on Windows and in IIS.
 *
 * @param value - the normalised (decoded, lower-cased) value
 * @param climb - the tolerance of the place the value came from
 * @returns whether the value climbs directories
 * @example
 * ```ts
 * detectTraversal('/static/../../etc/passwd', Climb.Path)  // true
 * detectTraversal('see ../readme.md', Climb.Value)         // false
 * ```
 */
export function detectTraversal(value: string, climb: Climb): boolean {
  if (value.indexOf('..') === -1) return false
  const text = value.indexOf('\\') === -1 ? value : value.replaceAll('\\', '/')
  if (climb === Climb.Path) return /(?:^|\/)\.\.(?:$|[/;])/.test(text)
  if (text === '..' || text.startsWith('../') || text.startsWith('..;/')) return true
  // "....//" and "..././" defeat filters that strip "../" once.
  if (/\.\.\.\/|\.\.\/\.\//.test(text)) return true
  return /\.\.\/{1,4}\.\.\/{1,4}\.\./.test(text)
}

/** Files and folders whose only business in a request is being read by an attacker (OWASP CRS lfi-os-files, restricted-files). */
const SENSITIVE_FILES = new LiteralSet([
  ...['passwd', 'shadow', 'group', 'hosts', 'issue', 'motd', 'sudoers', 'crontab', 'fstab', 'hostname', 'resolv.conf', 'mysql',
    'apache/', 'apache2/', 'httpd/', 'nginx/', 'ssh/', 'security/', 'environment', 'profile', 'inetd', 'master.passwd', 'pwd.db'].map((f) => `etc/${f}`),
  ...['self', 'version', 'cpuinfo', 'meminfo', 'net/', 'mounts', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'].map((f) => `/proc/${f}`),
  '/var/log/', '/.ssh/', 'id_rsa', 'id_dsa', 'authorized_keys', '.bash_history', '.mysql_history', '.psql_history', 'php.ini', 'my.cnf',
  'httpd.conf', 'nginx.conf', '/.netrc', '/.pgpass', '.git-credentials', '.htaccess', '.htpasswd', 'web.config', 'wp-config.php',
  'boot.ini', 'win.ini', 'system.ini', 'windows/system32', 'winnt/', 'c:/windows', 'autoexec.bat', '/.git/', '.git/config',
  '.git/head', '/.svn/', '/.hg/', 'file://', '/.aws/', '/.docker', '.ds_store', 'web-inf/', 'meta-inf/', 'phpinfo.php',
  ['/.env', (text, _start, end) => end === text.length || '/?.'.includes(text[end])],
])

/**
 * Local file inclusion: names of operating-system and configuration files (`/etc/passwd`,
 * `win.ini`, `/.git/config`, `/proc/self/environ`, `file://`), found in one literal-set pass.
 *
 * @param value - the normalised (decoded, lower-cased) value
 * @returns whether the value names a sensitive local file
 * @example
 * ```ts
 * detectLocalFile('....//....//etc/passwd') // true
 * ```
 */
export function detectLocalFile(value: string): boolean {
  const text = value.indexOf('\\') === -1 ? value : value.replaceAll('\\', '/')
  return SENSITIVE_FILES.test(text)
}
