import { expect } from 'chai'
import { App } from '../../../core/app/app.js'
import { InvalidConfigError } from '../../../core/errors.js'
import type { TrustProxySetting } from '../../../core/config/trust-proxy.js'

interface Seen {
  ip: string | undefined
  protocol: string
  secure: boolean
  host: string
  remoteAddress: string | undefined
}

/** What a handler sees for a request from `peer` with these headers, under `trustProxy`. */
async function seen(
  trustProxy: TrustProxySetting | undefined,
  peer: string,
  headers: Record<string, string>,
): Promise<Seen> {
  const app = new App(trustProxy === undefined ? {} : { trustProxy })
  app.get('/', (req) => ({
    ip: req.ip,
    protocol: req.protocol,
    secure: req.secure,
    host: req.host,
    remoteAddress: req.remoteAddress,
  }))
  const res = await app.inject({ path: '/', headers: { host: 'internal:8080', ...headers }, remoteAddress: peer })
  expect(res.status).to.equal(200)
  return res.json() as Seen
}

const direct = (peer: string): Seen => ({
  ip: peer,
  protocol: 'http',
  secure: false,
  host: 'internal:8080',
  remoteAddress: peer,
})

describe('trustProxy: req.ip, req.protocol, req.secure and req.host behind proxies', () => {
  const spoof = {
    'x-forwarded-for': '6.6.6.6',
    'x-forwarded-proto': 'https',
    'x-forwarded-host': 'evil.example',
    forwarded: 'for=6.6.6.6;proto=https;host=evil.example',
  }

  it('believes no header by default', async () => {
    expect(await seen(undefined, '10.0.0.1', spoof)).to.deep.equal(direct('10.0.0.1'))
  })

  it('believes no header from a peer outside the trusted addresses', async () => {
    expect(await seen(['10.0.0.0/8'], '192.0.2.9', spoof)).to.deep.equal(direct('192.0.2.9'))
  })

  it('takes client, protocol and host from X-Forwarded-* sent by a trusted peer', async () => {
    const headers = {
      'x-forwarded-for': '203.0.113.7',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'shop.example',
    }
    expect(await seen('10.0.0.0/8', '10.1.2.3', headers)).to.deep.equal({
      ip: '203.0.113.7',
      protocol: 'https',
      secure: true,
      host: 'shop.example',
      remoteAddress: '10.1.2.3',
    })
  })

  it('walks back the chain only through trusted proxies, so a client-prepended address is ignored', async () => {
    const headers = { 'x-forwarded-for': '6.6.6.6, 203.0.113.7, 10.0.0.2' }
    expect((await seen(['10.0.0.0/8'], '10.0.0.1', headers)).ip).to.equal('203.0.113.7')
    expect((await seen(2, '10.0.0.1', headers)).ip).to.equal('203.0.113.7')
    expect((await seen(1, '10.0.0.1', headers)).ip).to.equal('10.0.0.2')
    expect((await seen(true, '10.0.0.1', headers)).ip).to.equal('6.6.6.6')
  })

  it('prefers Forwarded (RFC 7239), with quoted IPv6 nodes and ports, over X-Forwarded-*', async () => {
    const headers = {
      forwarded: 'for=6.6.6.6, for="[2001:db8:cafe::17]:4711";proto=https;host="shop.example:8443", for=10.0.0.2',
      'x-forwarded-for': '198.51.100.1',
    }
    expect(await seen('loopback, uniquelocal', '127.0.0.1', headers)).to.deep.equal({
      ip: '2001:db8:cafe::17',
      protocol: 'https',
      secure: true,
      host: 'shop.example:8443',
      remoteAddress: '127.0.0.1',
    })
  })

  it('treats an invalid Forwarded field as no forwarding at all', async () => {
    for (const forwarded of ['for=1.2.3.4;for=5.6.7.8', 'for="1.2.3.4', 'for=1.2.3.4:80', '=x', 'for']) {
      expect(await seen(true, '10.0.0.1', { forwarded })).to.deep.equal(direct('10.0.0.1'))
    }
  })

  it('stops at an unknown or obfuscated node, and ignores a bad protocol or host', async () => {
    const headers = { forwarded: 'for=unknown, for=_hidden;proto=gopher;host="a b"' }
    expect(await seen(true, '10.0.0.1', headers)).to.deep.equal(direct('10.0.0.1'))
  })

  it('compares IPv4-mapped IPv6 peers as IPv4', async () => {
    expect((await seen(['10.0.0.0/8'], '::ffff:10.0.0.1', { 'x-forwarded-for': '203.0.113.7' })).ip).to.equal(
      '203.0.113.7',
    )
  })

  it('asks a trust function with each address and its hop', async () => {
    const asked: [string, number][] = []
    const trust = (address: string, hop: number): boolean => {
      asked.push([address, hop])
      return address.startsWith('10.')
    }
    expect((await seen(trust, '10.0.0.1', { 'x-forwarded-for': '203.0.113.7, 10.0.0.2' })).ip).to.equal('203.0.113.7')
    expect(asked).to.deep.equal([
      ['10.0.0.1', 0],
      ['10.0.0.2', 1],
      ['203.0.113.7', 2],
    ])
  })

  it('refuses a bad setting with ERR_CONFIG_INVALID naming trustProxy', () => {
    for (const trustProxy of [-1, 1.5, '10.0.0.0/33', 'not-an-address', ['10.0.0.1', 7], '10.0.0.1/'] as unknown[]) {
      expect(() => new App({ trustProxy: trustProxy as TrustProxySetting }))
        .to.throw(InvalidConfigError)
        .with.property('key', 'trustProxy')
    }
  })
})
