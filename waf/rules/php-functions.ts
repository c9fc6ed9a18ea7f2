/**
 * PHP functions an injected payload calls to run commands or code, read and write files, open
 * sockets, decode hidden payloads or enumerate the runtime (as in OWASP CRS's php-function-names
 * lists). Vocabulary of the code-injection rule: a name counts only as a call, `name(`.
 *
 * @example
 * ```ts
 * PHP_FUNCTIONS.has('shell_exec') // true
 * ```
 */
export const PHP_FUNCTIONS: ReadonlySet<string> = new Set([
  // Commands and code
  'system', 'shell_exec', 'passthru', 'popen', 'proc_open', 'proc_close', 'proc_get_status', 'proc_nice', 'proc_terminate',
  'pcntl_exec', 'pcntl_fork', 'pcntl_signal', 'pcntl_alarm', 'eval', 'assert', 'assert_options', 'create_function',
  'call_user_func', 'call_user_func_array', 'forward_static_call', 'forward_static_call_array', 'func_get_args',
  'register_shutdown_function', 'register_tick_function', 'set_error_handler', 'set_exception_handler', 'spl_autoload_register',
  'array_map', 'array_filter', 'array_walk', 'array_walk_recursive', 'array_reduce', 'usort', 'uasort', 'uksort', 'preg_replace',
  'preg_replace_callback', 'preg_replace_callback_array', 'mb_ereg_replace', 'mb_eregi_replace', 'iterator_apply', 'dl',
  'ini_set', 'ini_get', 'ini_get_all', 'ini_restore', 'ini_alter', 'putenv', 'getenv', 'apache_setenv', 'set_include_path',
  'get_defined_functions', 'get_defined_vars', 'get_defined_constants', 'get_declared_classes', 'get_loaded_extensions',
  'function_exists', 'method_exists', 'class_exists', 'phpinfo', 'phpversion', 'php_uname', 'php_sapi_name', 'zend_version',
  'getmypid', 'getmyuid', 'getmygid', 'getmyinode', 'getlastmod', 'get_current_user', 'sys_get_temp_dir', 'gc_collect_cycles',
  'debug_backtrace', 'debug_zval_refcount', 'var_dump', 'var_export', 'print_r', 'serialize', 'unserialize', 'extract',
  'parse_str', 'mb_parse_str', 'compact', 'define', 'constant', 'highlight_file', 'highlight_string', 'show_source',
  'php_strip_whitespace', 'token_get_all',
  // Files
  'file_get_contents', 'file_put_contents', 'fopen', 'fread', 'fwrite', 'fputs', 'fgets', 'fgetc', 'fgetss', 'fpassthru',
  'fscanf', 'ftruncate', 'flock', 'file', 'readfile', 'readlink', 'symlink', 'link', 'unlink', 'rename', 'copy', 'tempnam',
  'tmpfile', 'mkdir', 'rmdir', 'chmod', 'chown', 'chgrp', 'lchown', 'lchgrp', 'touch', 'file_exists', 'is_file', 'is_dir',
  'is_readable', 'is_writable', 'is_writeable', 'is_executable', 'is_link', 'fileperms', 'fileowner', 'filesize', 'stat', 'lstat',
  'glob', 'scandir', 'opendir', 'readdir', 'dir', 'parse_ini_file', 'parse_ini_string', 'move_uploaded_file', 'disk_free_space',
  'disk_total_space', 'realpath', 'chdir', 'chroot', 'gzopen', 'gzfile', 'readgzfile', 'bzopen', 'zip_open', 'finfo_open',
  'posix_getpwuid', 'posix_getpwnam', 'posix_getgrgid', 'posix_getuid', 'posix_geteuid', 'posix_getgid', 'posix_getegid',
  'posix_uname', 'posix_kill', 'posix_mkfifo', 'posix_setuid', 'posix_setgid', 'posix_getcwd', 'posix_ttyname', 'posix_getlogin',
  // Network
  'fsockopen', 'pfsockopen', 'stream_socket_client', 'stream_socket_server', 'stream_context_create', 'stream_get_contents',
  'socket_create', 'socket_connect', 'socket_bind', 'socket_listen', 'curl_init', 'curl_exec', 'curl_multi_exec',
  'curl_setopt', 'curl_setopt_array', 'mail', 'mb_send_mail', 'imap_open', 'imap_mail', 'ftp_connect', 'ftp_exec', 'ftp_get',
  'ftp_put', 'ldap_connect', 'ldap_search', 'ldap_get_entries', 'gethostbyname', 'gethostbynamel', 'dns_get_record',
  'get_headers', 'header', 'setcookie', 'headers_sent', 'ob_start', 'apache_request_headers', 'getallheaders',
  // Encodings that hide a payload
  'base64_decode', 'base64_encode', 'gzinflate', 'gzdeflate', 'gzuncompress', 'gzcompress', 'gzdecode', 'gzencode',
  'bzdecompress', 'bzcompress', 'str_rot13', 'strrev', 'convert_uudecode', 'convert_uuencode', 'hex2bin', 'bin2hex', 'pack',
  'unpack', 'chr', 'ord', 'urldecode', 'rawurldecode', 'htmlspecialchars_decode', 'html_entity_decode', 'quoted_printable_decode',
  'zlib_decode', 'zlib_encode', 'lzf_decompress', 'openssl_decrypt', 'mcrypt_decrypt', 'crypt', 'md5', 'sha1', 'hash', 'crc32',
  // Databases
  'mysql_query', 'mysqli_query', 'mysqli_connect', 'pg_query', 'pg_connect', 'sqlite_query', 'odbc_exec', 'odbc_connect',
  'mssql_query', 'oci_execute', 'db2_exec',
  // Objects and reflection
  'get_class', 'get_object_vars', 'get_class_methods', 'is_callable', 'property_exists', 'settype', 'gettype', 'is_array',
  'is_string', 'array_diff', 'array_merge', 'date_add', 'date_create', 'checkdate', 'range', 'pi', 'opcache_get_status',
  'apc_fetch', 'xmlrpc_decode', 'simplexml_load_string', 'simplexml_load_file', 'dom_import_simplexml',
])

/** Names that are also English or everyday code (`range (0-10)`, `file(s)`, `define(`): left to other signs. */
const EVERYDAY = new Set([
  'file', 'header', 'copy', 'range', 'pi', 'stat', 'dir', 'link', 'touch', 'mail', 'hash', 'define', 'constant', 'compact', 'extract',
  'pack', 'unpack', 'chr', 'ord', 'md5', 'sha1', 'crypt', 'crc32', 'glob', 'dl', 'mkdir', 'rmdir', 'rename', 'unlink', 'chmod', 'chown',
  'chgrp', 'chdir', 'is_array', 'is_string', 'array_merge', 'array_map', 'array_filter', 'usort', 'date_add', 'date_create',
  'checkdate', 'gettype', 'settype', 'get_class', 'array_diff', 'serialize', 'realpath', 'is_dir', 'is_file', 'fopen', 'fread',
  'fwrite', 'fgets', 'readdir', 'opendir', 'base64_encode', 'urldecode', 'hex2bin', 'bin2hex', 'getenv', 'define', 'ob_start',
  'setcookie', 'is_callable', 'method_exists', 'class_exists', 'function_exists', 'property_exists', 'lstat', 'tmpfile', 'tempnam',
])

/**
 * The calls of `PHP_FUNCTIONS` that read as code on sight.
 *
 * @example
 * ```ts
 * PHP_CALLS.has('passthru') // true
 * ```
 */
export const PHP_CALLS: ReadonlySet<string> = new Set([...PHP_FUNCTIONS].filter((name) => !EVERYDAY.has(name)))

/**
 * Of those, the calls that mean an attack however the name is embedded (`FOOgzinflate(`): long,
 * unmistakable names.
 *
 * @example
 * ```ts
 * EMBEDDED_PHP_CALLS.has('fsockopen') // true
 * ```
 */
export const EMBEDDED_PHP_CALLS: ReadonlySet<string> = new Set([...PHP_CALLS].filter((name) => name.length >= 8))
