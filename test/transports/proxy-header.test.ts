import { expect } from 'chai'
import { parseProxyHeader, PROXY_V2_SIGNATURE } from '../../transports/proxy-header.js'

/** A version 2 header: command (0 LOCAL, 1 PROXY), family/transport byte, address block, TLVs. */
function v2(command: number, familyTransport: number, addresses: Buffer, tlvs: Buffer = Buffer.alloc(0)): Buffer {
  const length = Buffer.alloc(2)
  length.writeUInt16BE(addresses.length + tlvs.length)
  return Buffer.concat([PROXY_V2_SIGNATURE, Buffer.from([0x20 | command, familyTransport]), length, addresses, tlvs])
}

function tlv(type: number, value: string): Buffer {
  const head = Buffer.from([type, 0, 0])
  head.writeUInt16BE(value.length, 1)
  return Buffer.concat([head, Buffer.from(value, 'latin1')])
}

const INET = Buffer.from([192, 0, 2, 1, 10, 0, 0, 1, 0x30, 0x39, 0x01, 0xbb]) // 192.0.2.1:12345 → 10.0.0.1:443
const INET6 = Buffer.concat([
  Buffer.from('20010db8000000000000000000000001', 'hex'),
  Buffer.from('fe800000000000000000000000000002', 'hex'),
  Buffer.from([0x1f, 0x90, 0x00, 0x50]),
])

describe('PROXY protocol header parsing (HAProxy specification, v1 and v2)', () => {
  it('reads a version 1 TCP4 header and its length', () => {
    const bytes = Buffer.from('PROXY TCP4 192.0.2.1 10.0.0.1 56324 443\r\nGET /')
    expect(parseProxyHeader(bytes)).to.deep.equal({
      status: 'complete',
      length: 41,
      header: {
        version: 1,
        command: 'proxy',
        family: 'tcp4',
        sourceAddress: '192.0.2.1',
        sourcePort: 56324,
        destinationAddress: '10.0.0.1',
        destinationPort: 443,
        tlvs: [],
      },
    })
  })

  it('reads version 1 TCP6 and UNKNOWN headers', () => {
    const tcp6 = parseProxyHeader(Buffer.from('PROXY TCP6 2001:db8::1 ::1 8080 80\r\n'))
    expect(tcp6).to.have.nested.property('header.sourceAddress', '2001:db8::1')
    const unknown = parseProxyHeader(Buffer.from('PROXY UNKNOWN ffff:f...f:ffff 1 2\r\n'))
    expect(unknown).to.deep.include({ status: 'complete', length: 35 })
    expect(unknown).to.have.nested.property('header.family', 'unknown')
  })

  const badV1: [string, string][] = [
    ['PROXY TCP4 192.0.2.1 10.0.0.1 56324 443\n', 'a bare LF'],
    ['PROXY TCP4 192.0.2.1 10.0.0.1 56324\r\n', 'five fields'],
    ['PROXY TCP4  192.0.2.1 10.0.0.1 1 2\r\n', 'a double space'],
    ['PROXY TCP5 192.0.2.1 10.0.0.1 1 2\r\n', 'an unknown protocol'],
    ['PROXY TCP4 2001:db8::1 10.0.0.1 1 2\r\n', 'an IPv6 address under TCP4'],
    ['PROXY TCP4 192.0.2.1 10.0.0.1 65536 2\r\n', 'a port past 65535'],
    ['PROXY TCP4 192.0.2.1 10.0.0.1 080 2\r\n', 'a port with a leading zero'],
    [`PROXY UNKNOWN ${'x'.repeat(100)}\r\n`, 'a header past 107 bytes'],
    ['GET / HTTP/1.1\r\n', 'no signature'],
  ]
  for (const [text, what] of badV1) {
    it(`refuses a version 1 header with ${what}`, () => {
      expect(parseProxyHeader(Buffer.from(text))).to.have.property('status', 'invalid')
    })
  }

  it('answers incomplete at every split of a version 1 header, then complete', () => {
    const bytes = Buffer.from('PROXY TCP4 192.0.2.1 10.0.0.1 56324 443\r\n')
    for (let i = 0; i < bytes.length; i++)
      expect(parseProxyHeader(bytes.subarray(0, i)), `at ${i}`).to.deep.equal({ status: 'incomplete' })
    expect(parseProxyHeader(bytes)).to.have.property('status', 'complete')
  })

  it('reads a version 2 PROXY header over TCP4 with its TLVs (ALPN, AUTHORITY, NOOP)', () => {
    const bytes = v2(1, 0x11, INET, Buffer.concat([tlv(0x01, 'h2'), tlv(0x02, 'shop.example'), tlv(0x04, '')]))
    const parsed = parseProxyHeader(Buffer.concat([bytes, Buffer.from('GET')]))
    expect(parsed).to.deep.equal({
      status: 'complete',
      length: bytes.length,
      header: {
        version: 2,
        command: 'proxy',
        family: 'tcp4',
        sourceAddress: '192.0.2.1',
        sourcePort: 12345,
        destinationAddress: '10.0.0.1',
        destinationPort: 443,
        tlvs: [
          { type: 1, value: Buffer.from('h2') },
          { type: 2, value: Buffer.from('shop.example') },
          { type: 4, value: Buffer.alloc(0) },
        ],
      },
    })
  })

  it('reads a version 2 PROXY header over TCP6, addresses in their shortest form', () => {
    const parsed = parseProxyHeader(v2(1, 0x21, INET6))
    expect(parsed).to.have.nested.property('header.sourceAddress', '2001:db8::1')
    expect(parsed).to.have.nested.property('header.destinationAddress', 'fe80::2')
    expect(parsed).to.have.nested.property('header.sourcePort', 8080)
  })

  it('reads a version 2 LOCAL header (a health check) as giving no addresses, whatever its block holds', () => {
    const parsed = parseProxyHeader(v2(0, 0x11, INET))
    expect(parsed).to.have.nested.property('header.command', 'local')
    expect(parsed).to.have.nested.property('header.sourceAddress', undefined)
  })

  const badV2: [Buffer, string][] = [
    [Buffer.concat([PROXY_V2_SIGNATURE, Buffer.from([0x11, 0x11, 0, 12]), INET]), 'version 1 in the version nibble'],
    [v2(2, 0x11, INET), 'an unknown command'],
    [v2(1, 0x41, INET), 'an unknown family'],
    [v2(1, 0x11, INET.subarray(0, 8)), 'an address block shorter than TCP4 needs'],
    [v2(1, 0x11, INET, Buffer.from([0x01, 0x00, 0x05, 0x68])), 'a TLV longer than the header'],
    [v2(1, 0x11, INET, Buffer.from([0x01, 0x00])), 'a truncated TLV'],
    [v2(1, 0x12, INET), 'a datagram transport'],
  ]
  for (const [bytes, what] of badV2) {
    it(`refuses a version 2 header with ${what}`, () => {
      expect(parseProxyHeader(bytes)).to.have.property('status', 'invalid')
    })
  }

  it('answers incomplete at every split of a version 2 header, then complete', () => {
    const bytes = v2(1, 0x11, INET, tlv(0x02, 'shop.example'))
    for (let i = 0; i < bytes.length; i++)
      expect(parseProxyHeader(bytes.subarray(0, i)), `at ${i}`).to.deep.equal({ status: 'incomplete' })
    expect(parseProxyHeader(bytes)).to.have.property('status', 'complete')
  })
})
