/**
 * Shell vocabulary for the cmdi rule: names of programs an injected command line runs. These are the
 * words of the class (Unix and Windows command names, as in GTFOBins and the OWASP CRS command lists),
 * not payloads; each list says how much context a name needs before it counts.
 */

/**
 * Unix and Windows programs whose names are not everyday words: after a separator, or opening a value
 * with an argument, they run a command.
 *
 * @example
 * ```ts
 * UNAMBIGUOUS_COMMANDS.has('ifconfig') // true
 * ```
 */
export const UNAMBIGUOUS_COMMANDS: ReadonlySet<string> = new Set([
  // Recon and identity
  'whoami', 'ifconfig', 'ipconfig', 'uname', 'systeminfo', 'netstat', 'getent', 'hostnamectl', 'lsb_release', 'lscpu', 'lsblk',
  'lsmod', 'lsof', 'lspci', 'lsusb', 'dmesg', 'printenv', 'uptime', 'lastlog', 'lastlogin', 'lastb', 'finger', 'pinky', 'users',
  'groups', 'id', 'nproc', 'vmstat', 'iostat', 'mpstat', 'sar', 'htop', 'atop', 'iotop', 'pstree', 'pgrep', 'pidof', 'fuser',
  'ss', 'ip', 'iwconfig', 'arp', 'nmcli', 'tcpdump', 'tshark', 'nmap', 'masscan', 'traceroute', 'tracepath', 'mtr', 'nslookup',
  'dig', 'whois',
  // Shells and interpreters
  'sh', 'bash', 'zsh', 'ksh', 'csh', 'tcsh', 'dash', 'ash', 'fish', 'busybox', 'toybox', 'powershell', 'pwsh', 'cmd', 'python',
  'python2', 'python3', 'perl', 'ruby', 'irb', 'php', 'lua', 'luajit', 'node', 'nodejs', 'tclsh', 'wish', 'expect', 'jrunscript',
  'jjs', 'rlwrap', 'script', 'socat', 'nc', 'ncat', 'netcat', 'telnet', 'ssh', 'scp', 'sftp', 'rsync', 'ftp', 'tftp', 'curl',
  'wget', 'lwp-download', 'lwp-request', 'lynx', 'aria2c', 'axel',
  // Files and archives
  'chmod', 'chown', 'chgrp', 'chattr', 'lsattr', 'setfacl', 'getfacl', 'ln', 'mkfifo', 'mknod', 'shred', 'dd', 'xxd', 'hexdump',
  'base32', 'base64', 'basenc', 'uuencode', 'uudecode', 'zcat', 'zstdcat', 'zstd', 'gunzip', 'gzip', 'bzcat', 'bunzip2', 'bzip2',
  'xzcat', 'unxz', 'lzcat', 'lz4cat', 'unzip', 'zip', 'tar', 'bsdtar', 'cpio', 'ar', '7z', '7za', 'rar', 'unrar', 'column',
  'fold', 'fmt', 'pr', 'nl', 'od', 'tac', 'rev', 'csplit', 'split', 'paste', 'join', 'comm', 'diff', 'cmp', 'iconv', 'dos2unix',
  'readelf', 'objdump', 'strings', 'ldd', 'ld.so', 'file', 'stat', 'realpath', 'readlink', 'dirname', 'basename', 'mktemp',
  // System administration
  'sudo', 'su', 'doas', 'pkexec', 'visudo', 'useradd', 'userdel', 'usermod', 'adduser', 'deluser', 'passwd', 'chpasswd', 'chsh',
  'crontab', 'systemctl', 'service', 'journalctl', 'loginctl', 'iptables', 'ip6tables', 'nft', 'ufw', 'firewall-cmd', 'modprobe',
  'insmod', 'rmmod', 'sysctl', 'mount', 'umount', 'losetup', 'fdisk', 'parted', 'mkfs', 'debugfs', 'setcap', 'getcap', 'capsh',
  'nsenter', 'unshare', 'chroot', 'docker', 'kubectl', 'podman', 'ctr', 'crictl', 'lxc', 'apt-get', 'aptitude', 'dpkg',
  'yum', 'dnf', 'rpm', 'zypper', 'pacman', 'apk', 'snap', 'pip', 'pip3', 'npm', 'gem', 'cpan', 'composer', 'ansible',
  'ansible-playbook', 'ansible-vault', 'ansible-galaxy', 'ansible-config', 'ansible-console', 'ansible-doc', 'ansible-inventory',
  'ansible-pull', 'chef-client', 'chef-shell', 'chef-run', 'chef-vault', 'knife', 'puppet', 'salt', 'cscli', 'killall', 'pkill',
  'nohup', 'setsid', 'disown', 'strace', 'ltrace', 'gdb', 'lldb', 'valgrind', 'perf', 'taskset', 'cpulimit', 'ionice', 'flock',
  'timeout', 'watch', 'xargs', 'rmt', 'rmt-tar', 'rmt-dump', 'restore', 'dump', 'at', 'batch', 'atq', 'atrm',
  // Compilers and editors that run commands
  'gcc', 'g++', 'cc', 'c89', 'c99', 'clang', 'tcc', 'make', 'cmake', 'vi', 'vim', 'nvim', 'rvim', 'ex', 'ed', 'emacs', 'nano',
  'pico', 'joe', 'mc', 'awk', 'gawk', 'mawk', 'nawk', 'sed', 'jq', 'xterm', 'tmux', 'screen',
  // Windows
  'cmd.exe', 'certutil', 'bitsadmin', 'wmic', 'mshta', 'rundll32', 'regsvr32', 'regedit', 'reg', 'bcdedit', 'bcdboot', 'cacls',
  'icacls', 'attrib', 'cscript', 'wscript', 'schtasks', 'sc', 'netsh', 'nltest', 'vssadmin', 'wevtutil', 'diskpart', 'takeown',
  'runas', 'tasklist', 'taskkill', 'msiexec', 'xcopy', 'robocopy', 'findstr', 'forfiles', 'expand', 'extrac32', 'makecab',
  'qwinsta', 'rwinsta', 'tskill', 'wusa', 'dism', 'pnputil', 'driverquery', 'gpresult', 'gpupdate', 'auditpol', 'fsutil',
  'mountvol', 'cipher', 'esentutl', 'ntdsutil', 'dsquery', 'csvde', 'ldifde', 'klist', 'setspn', 'winrm', 'winrs', 'psexec',
  'mklink', 'tracert', 'pathping', 'nbtstat', 'net.exe', 'net1', 'whoami.exe', 'ver', 'msbuild', 'installutil', 'regasm',
  'regsvcs', 'odbcconf', 'cmstp', 'hh', 'control', 'msdt', 'wsl', 'bash.exe',
])

/**
 * Programs that are also everyday words ("cat", "find", "time"): they count only with a shell-like
 * argument, or after a command separator with one.
 *
 * @example
 * ```ts
 * AMBIGUOUS_COMMANDS.has('cat') // true
 * ```
 */
export const AMBIGUOUS_COMMANDS: ReadonlySet<string> = new Set([
  'cat', 'echo', 'sleep', 'ping', 'find', 'type', 'more', 'less', 'set', 'env', 'rm', 'cp', 'mv', 'head', 'tail', 'grep', 'sort',
  'touch', 'kill', 'net', 'who', 'w', 'last', 'printf', 'mkdir', 'rmdir', 'del', 'erase', 'copy', 'move', 'start', 'exit',
  'export', 'source', 'eval', 'exec', 'time', 'usleep', 'expr', 'test', 'call', 'ls', 'dir', 'pwd', 'cd', 'ps', 'top', 'free',
  'df', 'du', 'host', 'hostname', 'route', 'look', 'view', 'shell', 'tee', 'wc', 'cut', 'tr', 'uniq', 'yes', 'trap', 'alias',
  'unset', 'read', 'wait', 'jobs', 'bg', 'fg', 'history', 'command', 'builtin', 'declare', 'local', 'shift', 'nice', 'renice',
  'bridge', 'install', 'patch', 'date', 'cal', 'bc', 'dc', 'factor', 'seq', 'shuf', 'split', 'sum', 'md5sum', 'sha1sum',
  'sha256sum', 'tree', 'locate', 'which', 'whereis', 'man', 'info', 'open', 'run', 'shutdown', 'reboot', 'halt', 'poweroff',
  'logout', 'format', 'rd', 'md', 'path', 'title', 'color', 'cls', 'pause', 'goto', 'query', 'label', 'vol', 'print',
])

/**
 * Words that run the command after them (`time`, `nohup`, `sudo`, `strace`): the command line goes on
 * with the next word.
 *
 * @example
 * ```ts
 * COMMAND_PREFIXES.has('nohup') // true
 * ```
 */
export const COMMAND_PREFIXES: ReadonlySet<string> = new Set([
  'time', 'nohup', 'sudo', 'doas', 'strace', 'ltrace', 'env', 'nice', 'ionice', 'timeout', 'exec', 'command', 'builtin',
  'setsid', 'xargs', 'busybox', 'chroot', 'watch', 'flock', 'taskset', 'stdbuf', 'unbuffer', 'cpulimit', 'script',
])

/**
 * Programs that read a command line on their standard input or from an option: a pipe into them runs it.
 *
 * @example
 * ```ts
 * SHELL_INTERPRETERS.has('bash') // true
 * ```
 */
export const SHELL_INTERPRETERS: ReadonlySet<string> = new Set([
  'sh', 'bash', 'zsh', 'ksh', 'csh', 'tcsh', 'dash', 'ash', 'fish', 'busybox', 'python', 'python2', 'python3', 'perl', 'ruby',
  'php', 'node', 'lua', 'powershell', 'pwsh', 'cmd', 'source', 'eval', 'xargs',
])
