const URL_START = /(?:https?|ftps?|gopher|dict|ldap|tftp|smb|sftp):\/\//
// The ways IP_HOST writes an address: dotted, one decimal or hex number, a bracketed or bare IPv6.
const DOTTED_IPV4 = String.raw`\d{1,4}\.\d{1,4}\.\d{1,4}\.\d{1,4}`
const NUMERIC_IPV4 = String.raw`\d{8,10}|0x[0-9a-f]{8}`
const BRACKETED_IPV6 = String.raw`\[[0-9a-f:.]{2,45}\]`
const BARE_IPV6 = '[0-9a-f]{1,4}:[0-9a-f]{0,4}:[0-9a-f:.]{1,40}'
const IP_HOST = new RegExp(
  `^(?:[^/?#@]{0,64}@)?(?:${[DOTTED_IPV4, NUMERIC_IPV4, BRACKETED_IPV6, BARE_IPV6].join('|')})(?:[:/?#]|$)`,
)
/** Cloud metadata services, the usual target of server-side request forgery. */
const METADATA_HOST =
  /^(?:[^/?#@]{0,64}@)?(?:metadata\.google\.internal|metadata\.azure\.com|instance-data)(?:[:/?#.]|$)/
const SCRIPT_FILE = /\.(?:txt|inc|sh|pl|py|cgi|exe|bat|ps1|jsp)(?:$|\?)/
/** Parameter names that applications pass to include() (OWASP CRS rule 931110 and common variants). */
const INCLUDE_PARAMS = new Set([
  'file',
  'filename',
  'page',
  'include',
  'inc',
  'path',
  'dir',
  'template',
  'tpl',
  'module',
  'mod',
  'load',
  'doc',
  'folder',
  'root',
  'conf',
  'config',
  'php_path',
  'mosconfig_absolute_path',
  'base_path',
  'basepath',
  'appserv_root',
  'gallery_basedir',
  '_conf[path]',
  'path[docroot]',
  'config[root_dir]',
  '_server[document_root]',
])

/**
 * Remote file inclusion: a URL handed to a parameter so the server fetches and runs it. Ordinary links
 * (a website field, a redirect target) stay clean; flagged are URLs to a raw IP, URLs ending in `?`
 * (which cuts off the suffix an include appends), URLs to script files, URLs in include-style
 * parameters or behind `include(`, and UNC paths.
 *
 * @param value - the normalised (decoded, lower-cased) value
 * @param name - the normalised parameter name, or '' when the value has none
 * @returns whether the value reads as a remote file inclusion
 * @example
 * ```ts
 * detectRfi('http://192.168.0.1/shell.txt?', 'q')   // true
 * detectRfi('https://example.com/about', 'website') // false
 * ```
 */
export function detectRfi(value: string, name: string): boolean {
  if (value.startsWith('\\\\') && /^\\\\\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\\/.test(value)) return true
  const match = URL_START.exec(value)
  if (match === null) return false
  const rest = value.slice(match.index + match[0].length)
  if (IP_HOST.test(rest) || METADATA_HOST.test(rest)) return true
  if (value.endsWith('?') || value.indexOf('\0') !== -1 || SCRIPT_FILE.test(rest)) return true
  if (match.index === 0 && INCLUDE_PARAMS.has(decodedName(name))) return true
  return /(?:include|require)(?:_once)?\s{0,4}\(?\s{0,4}["']?$/.test(
    value.slice(Math.max(0, match.index - 24), match.index),
  )
}

/** Parameter names reach here undecoded (`_CONF%5Bpath%5D`). */
function decodedName(name: string): string {
  if (name.indexOf('%') === -1) return name.toLowerCase()
  try {
    return decodeURIComponent(name).toLowerCase()
  } catch {
    return name.toLowerCase()
  }
}
