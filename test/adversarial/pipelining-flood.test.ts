import { expect } from 'chai'
import { App } from '../../index.js'
import { retainedBytes } from './heap.js'
import { SlowReader } from './slow-reader.js'

const REQUESTS = 20_000
const CONNECTIONS = 20
// One request of the flood: sent together, all of them, by a client that reads nothing.
const FLOOD = Buffer.from('GET /x HTTP/1.1\r\nHost: a\r\n\r\n'.repeat(REQUESTS), 'latin1')

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

describe('Pipelining flood from clients that read nothing', function () {
  this.timeout(60_000)

  for (const maxConcurrentRequests of [1, 8]) {
    it(`runs a bounded number of handlers and holds bounded memory per connection (maxConcurrentRequests ${maxConcurrentRequests})`, async () => {
      let calls = 0
      const app = new App({ limits: { maxConcurrentRequests } })
      app.get('/x', (_req, res) => {
        calls++
        res.text('hello world')
      })
      const before = retainedBytes()
      const clients = Array.from({ length: CONNECTIONS }, () => new SlowReader(FLOOD, 0, 0))
      const served = clients.map((client) => app.serve(client))
      for (let n = 0; n < 50; n++) await turn()
      const held = (retainedBytes() - before) / CONNECTIONS
      const callsPerConnection = calls / CONNECTIONS
      for (const client of clients) client.close()
      await Promise.all(served)
      // Answered in full, the flood would be 20,000 responses of about 150 bytes: 2.9 MB a connection.
      expect(callsPerConnection, 'handlers run per connection').to.be.at.most(1000)
      expect(held, 'bytes held per connection').to.be.below(256 * 1024)
    })
  }
})
