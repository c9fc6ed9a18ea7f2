import { BlockList, isIP } from 'node:net'

/** The identifiers a server certificate presents, as read from its SAN and subject. */
export interface CertificateNames {
  /** dNSName entries of the subjectAltName extension, possibly with a `*.` wildcard. */
  readonly dnsNames: readonly string[]
  /** iPAddress entries of the subjectAltName extension, in text form. */
  readonly ipAddresses: readonly string[]
  /** The subject's CN, consulted only when there is no dNSName (RFC 6125 §6.4.4). */
  readonly commonName: string | undefined
}

/**
 * Decides whether a certificate covers a host name, following RFC 6125 §6.4: names compare
 * without regard to case or a trailing dot; a wildcard is allowed only as the whole left-most
 * label and stands for exactly one label; IP addresses match only iPAddress entries.
 *
 * @param names - the certificate's identifiers
 * @param hostname - a DNS name or an IPv4/IPv6 address
 * @returns true when one of the identifiers matches
 * @example
 * ```ts
 * const names = { dnsNames: ['*.example.com'], ipAddresses: [], commonName: undefined }
 * matchHostname(names, 'api.example.com') // true
 * matchHostname(names, 'a.b.example.com') // false: one label only
 * matchHostname(names, 'example.com')     // false
 * ```
 */
export function matchHostname(names: CertificateNames, hostname: string): boolean {
  const family = isIP(hostname)
  if (family !== 0) return names.ipAddresses.some((ip) => sameAddress(ip, hostname, family))
  const host = normalize(hostname)
  // RFC 6125 §6.4.4: the CN is a fallback only for certificates without any dNSName.
  const candidates = names.dnsNames.length > 0 || names.commonName === undefined ? names.dnsNames : [names.commonName]
  return candidates.some((pattern) => matchDnsName(normalize(pattern), host))
}

function normalize(name: string): string {
  const lower = name.toLowerCase()
  return lower.endsWith('.') ? lower.slice(0, -1) : lower
}

function matchDnsName(pattern: string, host: string): boolean {
  if (pattern === host) return true
  if (!pattern.startsWith('*.')) return false
  const suffix = pattern.slice(1)
  // RFC 6125 §7.2: a wildcard directly under a top-level domain (`*.com`) matches nothing.
  if (!suffix.slice(1).includes('.')) return false
  if (!host.endsWith(suffix)) return false
  const label = host.slice(0, host.length - suffix.length)
  return label.length > 0 && !label.includes('.')
}

/** IPv6 text has many spellings of one address (`::1`, `0:0::1`); compare the addresses. */
function sameAddress(certIp: string, hostIp: string, family: number): boolean {
  if (isIP(certIp) !== family) return false
  const type = family === 4 ? 'ipv4' : 'ipv6'
  const list = new BlockList()
  list.addAddress(certIp, type)
  return list.check(hostIp, type)
}
