import { isIP } from 'node:net'

/** A PROXY protocol TLV (version 2): its type and raw value. */
export interface ProxyTlv {
  /** e.g. 0x01 ALPN, 0x02 AUTHORITY, 0x03 CRC32C, 0x04 NOOP, 0x05 UNIQUE_ID, 0x20 SSL, 0x30 NETNS. */
  readonly type: number
  /** The value bytes. */
  readonly value: Buffer
}

/** What a load balancer said about the connection it relays (HAProxy's PROXY protocol, v1 or v2). */
export interface ProxyHeader {
  /** 1 (text) or 2 (binary). */
  readonly version: 1 | 2
  /**
   * `proxy`: relayed for a client, whose addresses follow. `local`: the balancer's own connection
   * (a health check), whose real addresses stand.
   */
  readonly command: 'proxy' | 'local'
  /** `tcp4`, `tcp6`, `unix`, or `unknown` (the addresses are not given: the real ones stand). */
  readonly family: 'tcp4' | 'tcp6' | 'unix' | 'unknown'
  /** The client's address, when given. */
  readonly sourceAddress: string | undefined
  /** The client's port, when given. */
  readonly sourcePort: number | undefined
  /** The address the client connected to, when given. */
  readonly destinationAddress: string | undefined
  /** The port the client connected to, when given. */
  readonly destinationPort: number | undefined
  /** Version 2's TLVs, in order (empty for version 1). */
  readonly tlvs: readonly ProxyTlv[]
}

/** The outcome of looking for a header at the start of a connection's bytes. */
export type ProxyHeaderParse =
  | { readonly status: 'incomplete' }
  | { readonly status: 'invalid'; readonly reason: string }
  | { readonly status: 'complete'; readonly header: ProxyHeader; readonly length: number }

/** `\r\n\r\n\0\r\nQUIT\n`: the version 2 signature. */
export const PROXY_V2_SIGNATURE = Buffer.from('0d0a0d0a000d0a515549540a', 'hex')
const V1_PREFIX = Buffer.from('PROXY ', 'latin1')
// The spec's bound: "PROXY UNKNOWN" with the longest TCP6 addresses and ports, CRLF included.
const V1_MAX_BYTES = 107
const INCOMPLETE = Object.freeze({ status: 'incomplete' as const })
const PORT = /^(0|[1-9][0-9]{0,4})$/

/**
 * Parses a PROXY protocol header (HAProxy's specification, versions 1 and 2) at the start of
 * `bytes`, strictly: anything the specification does not allow is invalid, and the caller closes.
 * @param bytes - the connection's first bytes
 * @returns `incomplete` (read more), `invalid` with a reason, or the header and its length
 */
export function parseProxyHeader(bytes: Buffer): ProxyHeaderParse {
  const v2 = startsWith(bytes, PROXY_V2_SIGNATURE)
  if (v2 === true) return parseV2(bytes)
  const v1 = startsWith(bytes, V1_PREFIX)
  if (v1 === true) return parseV1(bytes)
  if (v1 === undefined || v2 === undefined) return INCOMPLETE
  return { status: 'invalid', reason: 'the connection does not start with a PROXY protocol signature' }
}

/** @returns true / false, or undefined while `bytes` is a prefix of `prefix` */
function startsWith(bytes: Buffer, prefix: Buffer): boolean | undefined {
  const n = Math.min(bytes.length, prefix.length)
  if (bytes.compare(prefix, 0, n, 0, n) !== 0) return false
  return bytes.length >= prefix.length ? true : undefined
}

function parseV1(bytes: Buffer): ProxyHeaderParse {
  const lf = bytes.indexOf(0x0a)
  if (lf === -1)
    return bytes.length >= V1_MAX_BYTES ? invalid(`a version 1 header longer than ${V1_MAX_BYTES} bytes`) : INCOMPLETE
  if (lf + 1 > V1_MAX_BYTES) return invalid(`a version 1 header longer than ${V1_MAX_BYTES} bytes`)
  if (bytes[lf - 1] !== 0x0d) return invalid('a version 1 header must end with CRLF')
  const line = bytes.toString('latin1', 0, lf - 1)
  const fields = line.split(' ')
  const length = lf + 1
  if (fields[1] === 'UNKNOWN') return complete(1, 'proxy', 'unknown', [], length)
  if (fields.length !== 6) return invalid(`a version 1 header has 6 fields, got ${JSON.stringify(line)}`)
  const [, protocol, source, destination, sourcePort, destinationPort] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
  ]
  const family = protocol === 'TCP4' ? 4 : protocol === 'TCP6' ? 6 : 0
  if (family === 0) return invalid(`unknown version 1 protocol ${JSON.stringify(protocol)}`)
  if (isIP(source) !== family || isIP(destination) !== family)
    return invalid(`addresses that are not ${protocol}: ${source}, ${destination}`)
  if (
    !PORT.test(sourcePort) ||
    !PORT.test(destinationPort) ||
    Number(sourcePort) > 65535 ||
    Number(destinationPort) > 65535
  ) {
    return invalid(`ports out of 0..65535 or with leading zeros: ${sourcePort}, ${destinationPort}`)
  }
  return {
    status: 'complete',
    length,
    header: {
      version: 1,
      command: 'proxy',
      family: family === 4 ? 'tcp4' : 'tcp6',
      sourceAddress: source,
      sourcePort: Number(sourcePort),
      destinationAddress: destination,
      destinationPort: Number(destinationPort),
      tlvs: [],
    },
  }
}

function parseV2(bytes: Buffer): ProxyHeaderParse {
  if (bytes.length < 16) return INCOMPLETE
  const versionCommand = bytes[12]!
  if (versionCommand >> 4 !== 2) return invalid(`version ${versionCommand >> 4} in a version 2 signature`)
  const commandBits = versionCommand & 0x0f
  if (commandBits > 1) return invalid(`unknown version 2 command ${commandBits}`)
  const command = commandBits === 0 ? 'local' : 'proxy'
  const familyBits = bytes[13]! >> 4
  const transportBits = bytes[13]! & 0x0f
  if (familyBits > 3 || transportBits > 2)
    return invalid(`unknown address family or transport 0x${bytes[13]!.toString(16)}`)
  const length = 16 + bytes.readUInt16BE(14)
  if (bytes.length < length) return INCOMPLETE
  // LOCAL ignores the address block; PROXY over a stream with a known family must carry one.
  const addressBytes = familyBits === 1 ? 12 : familyBits === 2 ? 36 : familyBits === 3 ? 216 : 0
  if (16 + addressBytes > length)
    return invalid(`an address block of ${length - 16} bytes, shorter than the family's ${addressBytes}`)
  const tlvs = parseTlvs(bytes, 16 + addressBytes, length)
  if (tlvs === undefined) return invalid('TLVs that do not fill the header exactly')
  if (command === 'local' || familyBits === 0 || transportBits === 0)
    return complete(2, command, 'unknown', tlvs, length)
  if (transportBits !== 1) return invalid('a datagram connection where a stream was expected')
  if (familyBits === 3) {
    const path = (at: number): string =>
      bytes.toString(
        'latin1',
        at,
        bytes.indexOf(0, at) === -1 || bytes.indexOf(0, at) > at + 108 ? at + 108 : bytes.indexOf(0, at),
      )
    return {
      status: 'complete',
      length,
      header: {
        version: 2,
        command,
        family: 'unix',
        sourceAddress: path(16),
        sourcePort: undefined,
        destinationAddress: path(124),
        destinationPort: undefined,
        tlvs,
      },
    }
  }
  const size = familyBits === 1 ? 4 : 16
  const address = (at: number): string =>
    size === 4 ? Array.from(bytes.subarray(at, at + 4)).join('.') : ipv6(bytes.subarray(at, at + 16))
  return {
    status: 'complete',
    length,
    header: {
      version: 2,
      command,
      family: size === 4 ? 'tcp4' : 'tcp6',
      sourceAddress: address(16),
      destinationAddress: address(16 + size),
      sourcePort: bytes.readUInt16BE(16 + 2 * size),
      destinationPort: bytes.readUInt16BE(18 + 2 * size),
      tlvs,
    },
  }
}

function parseTlvs(bytes: Buffer, start: number, end: number): ProxyTlv[] | undefined {
  const tlvs: ProxyTlv[] = []
  let at = start
  while (at < end) {
    if (at + 3 > end) return undefined
    const valueEnd = at + 3 + bytes.readUInt16BE(at + 1)
    if (valueEnd > end) return undefined
    tlvs.push({ type: bytes[at]!, value: Buffer.from(bytes.subarray(at + 3, valueEnd)) })
    at = valueEnd
  }
  return tlvs
}

function ipv6(raw: Buffer): string {
  const groups: string[] = []
  for (let i = 0; i < 16; i += 2) groups.push(raw.readUInt16BE(i).toString(16))
  // The shortest form (RFC 5952), as sockets report addresses: the longest run of zero groups as ::.
  const text = groups.join(':')
  const runs = text.match(/(^|:)0(:0)+(:|$)/g)
  if (runs === null) return text
  const longest = runs.reduce((a, b) => (b.length > a.length ? b : a))
  return text.replace(longest, '::')
}

function complete(
  version: 1 | 2,
  command: 'proxy' | 'local',
  family: 'unknown',
  tlvs: ProxyTlv[],
  length: number,
): ProxyHeaderParse {
  const header: ProxyHeader = {
    version,
    command,
    family,
    sourceAddress: undefined,
    sourcePort: undefined,
    destinationAddress: undefined,
    destinationPort: undefined,
    tlvs,
  }
  return { status: 'complete', header, length }
}

function invalid(reason: string): ProxyHeaderParse {
  return { status: 'invalid', reason }
}
