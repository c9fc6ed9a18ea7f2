import { isIP } from 'node:net'
import { isHostAndPort } from '../wire/host-syntax.js'
import { plainAddress, type ProxyTrust } from '../config/trust-proxy.js'

/** Who a request is from and what it was sent to, as the client's side of trusted proxies saw it. */
export interface ForwardedView {
  /** The client's address: the first address, walking back from the socket's peer, that is not a trusted proxy. */
  readonly ip: string | undefined
  /** `https` or `http`, as the client used it. */
  readonly protocol: 'http' | 'https'
  /** `host[:port]` the client asked for. */
  readonly host: string
}

/** One hop of a forwarding chain: what one proxy recorded about the request it received. */
interface Hop {
  readonly for: string | undefined
  readonly proto: string | undefined
  readonly host: string | undefined
}

/**
 * Resolves `req.ip`, `req.protocol` and `req.host` behind proxies. Nothing from the headers is
 * believed unless the socket's peer is trusted, and the walk back through the chain stops at the
 * first address that is not: a client can prepend whatever it likes, but not past the proxies.
 * `Forwarded` (RFC 7239) wins over `X-Forwarded-For/-Proto/-Host` when both are present; an
 * invalid `Forwarded` makes the request count as not forwarded at all.
 *
 * @param peer - the socket's peer address
 * @param secure - whether the socket carries TLS
 * @param authority - the host from the request itself
 * @param header - reads a request header (lower-case name), repeated fields joined with `, `
 * @param trust - the compiled `trustProxy`
 * @returns the client's view
 */
export function resolveForwarded(
  peer: string | undefined,
  secure: boolean,
  authority: string,
  header: (name: string) => string | undefined,
  trust: ProxyTrust,
): ForwardedView {
  const direct: ForwardedView = { ip: peer, protocol: secure ? 'https' : 'http', host: authority }
  if (peer === undefined || !trust(plainAddress(peer), 0)) return direct
  const forwarded = header('forwarded')
  const hops = forwarded !== undefined ? parseForwarded(forwarded) : xForwardedHops(header)
  if (hops === undefined) return direct
  let ip = peer
  let protocol = direct.protocol
  let host = authority
  // Nearest proxy last: each hop was written by the trusted proxy in front of the one before it.
  for (let k = hops.length - 1, hop = 1; k >= 0; k--, hop++) {
    const entry = hops[k]!
    const proto = entry.proto?.toLowerCase()
    if (proto === 'http' || proto === 'https') protocol = proto
    if (entry.host !== undefined && isHostAndPort(entry.host, 0, entry.host.length)) host = entry.host
    const address = nodeAddress(entry.for)
    // `unknown` or an obfuscated identifier (RFC 7239 §6.2–6.3): the chain cannot be followed further.
    if (address === undefined) break
    ip = address
    if (!trust(address, hop)) break
  }
  return { ip, protocol, host }
}

function xForwardedHops(header: (name: string) => string | undefined): Hop[] | undefined {
  const fors = header('x-forwarded-for')
    ?.split(',')
    .map((s) => s.trim())
  const protos = header('x-forwarded-proto')
    ?.split(',')
    .map((s) => s.trim())
  const hosts = header('x-forwarded-host')
    ?.split(',')
    .map((s) => s.trim())
  if (fors === undefined) {
    if (protos === undefined && hosts === undefined) return undefined
    // Proto or host without a chain: the peer (trusted) says so for the client it faced.
    return [{ for: undefined, proto: protos?.[0], host: hosts?.[0] }]
  }
  // A list as long as the chain names each hop's value; a single value is the outermost proxy's.
  const at = (list: string[] | undefined, i: number): string | undefined =>
    list === undefined ? undefined : list.length === fors.length ? list[i] : i === 0 ? list[0] : undefined
  return fors.map((address, i) => ({ for: address, proto: at(protos, i), host: at(hosts, i) }))
}

/** A `for=` node (RFC 7239 §6): `IPv4[:port]`, `"[IPv6][:port]"`; anything else is not an address. */
function nodeAddress(node: string | undefined): string | undefined {
  if (node === undefined) return undefined
  let address = node
  if (address.startsWith('[')) {
    const end = address.indexOf(']')
    if (end === -1) return undefined
    address = address.slice(1, end)
  } else if (address.indexOf(':') === address.lastIndexOf(':') && address.includes(':')) {
    address = address.slice(0, address.indexOf(':'))
  }
  return isIP(address) === 0 ? undefined : plainAddress(address)
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

/**
 * RFC 7239 §4: `forwarded-element *( "," forwarded-element )`, each `[pair] *( ";" [pair] )`,
 * `pair = token "=" ( token / quoted-string )`, a parameter at most once per element.
 * @returns the hops, or `undefined` when the field breaks the grammar
 */
export function parseForwarded(value: string): Hop[] | undefined {
  const hops: Hop[] = []
  let pairs: Record<string, string> = Object.create(null) as Record<string, string>
  let i = 0
  const n = value.length
  for (;;) {
    while (i < n && (value[i] === ' ' || value[i] === '\t')) i++
    if (i < n && value[i] !== ',' && value[i] !== ';') {
      const eq = value.indexOf('=', i)
      if (eq === -1) return undefined
      const name = value.slice(i, eq).toLowerCase()
      if (!TOKEN.test(name) || name in pairs) return undefined
      i = eq + 1
      let text = ''
      if (value[i] === '"') {
        i++
        for (; i < n && value[i] !== '"'; i++) {
          if (value[i] === '\\') i++
          if (i < n) text += value[i]
        }
        if (i >= n) return undefined
        i++
      } else {
        const start = i
        while (i < n && value[i] !== ';' && value[i] !== ',' && value[i] !== ' ' && value[i] !== '\t') i++
        text = value.slice(start, i)
        if (!TOKEN.test(text)) return undefined
      }
      pairs[name] = text
      while (i < n && (value[i] === ' ' || value[i] === '\t')) i++
    }
    if (i >= n || value[i] === ',') {
      hops.push({ for: pairs.for, proto: pairs.proto, host: pairs.host })
      pairs = Object.create(null) as Record<string, string>
      if (i >= n) return hops
      i++
    } else if (value[i] === ';') i++
    else return undefined
  }
}
