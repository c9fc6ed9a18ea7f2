import { MemoryTransport } from '../../transports/memory-transport.js'
import { transportContract } from './contract.js'
import { makeTestCertificate, plainTransportPair, tlsTransportPair, type TestCertificate } from './loopback.js'

transportContract('MemoryTransport', async () => {
  const [a, b] = MemoryTransport.pair()
  return { a, b, dispose: async () => {} }
})

transportContract('MemoryTransport delivering one byte per read', async () => {
  const [a, b] = MemoryTransport.pair({ chunkSize: 1 }, { chunkSize: 1 })
  return { a, b, dispose: async () => {} }
})

transportContract('PlainTransport', () => plainTransportPair())

describe('over TLS', () => {
  let pems: TestCertificate
  before(async () => {
    pems = await makeTestCertificate()
  })
  transportContract('TlsTransport', () => tlsTransportPair(pems))
})
