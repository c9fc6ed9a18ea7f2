import { BlockList, isIP } from 'node:net'
import { InvalidConfigError } from '../errors.js'

/**
 * Which peers may speak for the client through `Forwarded` / `X-Forwarded-*`:
 * - `false` (the default): none; `true`: every one (only behind a proxy that overwrites the headers);
 * - a number: that many hops in front of the server are proxies;
 * - addresses and CIDRs (`'10.0.0.0/8'`, `'::1'`), as an array or a comma-separated string, and
 *   the names `loopback`, `linklocal` and `uniquelocal` for those ranges;
 * - a function `(address, hop) => boolean`, `hop` 0 being the socket's peer.
 */
export type TrustProxySetting =
  boolean | number | string | readonly string[] | ((address: string, hop: number) => boolean)

/** The compiled form: whether the address at `hop` (0 = the socket's peer) is a trusted proxy. */
export type ProxyTrust = (address: string, hop: number) => boolean

// The named ranges Express and Fastify (through proxy-addr) accept, with the same meaning.
const NAMED_RANGES: Readonly<Record<string, readonly string[]>> = {
  loopback: ['127.0.0.1/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
}

/**
 * Makes an address comparable: IPv4-mapped IPv6 (`::ffff:10.0.0.1`, what a dual-stack socket
 * reports) becomes plain IPv4.
 * @param address - an address as a socket or a header gives it
 * @returns the address, unmapped
 */
export function plainAddress(address: string): string {
  return address.length > 7 && address.slice(0, 7).toLowerCase() === '::ffff:' && isIP(address.slice(7)) === 4
    ? address.slice(7)
    : address
}

/**
 * Validates and compiles a `trustProxy` setting.
 * @param value - the setting
 * @param key - its configuration key, for the error
 * @returns the trust function, or `undefined` when nothing is trusted
 * @throws InvalidConfigError naming the key and the bad entry
 */
export function compileTrustProxy(value: unknown, key = 'trustProxy'): ProxyTrust | undefined {
  if (value === undefined || value === false) return undefined
  if (value === true) return () => true
  if (typeof value === 'function') return value as ProxyTrust
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0)
      throw new InvalidConfigError(key, `expected a hop count >= 0, got ${value}`)
    return value === 0 ? undefined : (_address, hop) => hop < value
  }
  const entries = typeof value === 'string' ? value.split(',') : value
  if (!Array.isArray(entries))
    throw new InvalidConfigError(
      key,
      `expected a boolean, a hop count, addresses or a function, got ${JSON.stringify(value)}`,
    )
  const list = new BlockList()
  for (const raw of entries) {
    if (typeof raw !== 'string')
      throw new InvalidConfigError(key, `expected an address or CIDR, got ${JSON.stringify(raw)}`)
    const entry = raw.trim()
    for (const range of NAMED_RANGES[entry] ?? [entry]) addRange(list, range, key)
  }
  return (address) => {
    const plain = plainAddress(address)
    const family = isIP(plain)
    return family !== 0 && list.check(plain, family === 4 ? 'ipv4' : 'ipv6')
  }
}

function addRange(list: BlockList, range: string, key: string): void {
  const slash = range.indexOf('/')
  const address = plainAddress(slash === -1 ? range : range.slice(0, slash))
  const family = isIP(address)
  const bits = slash === -1 ? (family === 4 ? 32 : 128) : Number(range.slice(slash + 1))
  if (
    family === 0 ||
    !Number.isInteger(bits) ||
    bits < 0 ||
    bits > (family === 4 ? 32 : 128) ||
    (slash !== -1 && !/^\d+$/.test(range.slice(slash + 1)))
  ) {
    throw new InvalidConfigError(key, `expected an IP address or CIDR, got ${JSON.stringify(range)}`)
  }
  list.addSubnet(address, bits, family === 4 ? 'ipv4' : 'ipv6')
}
