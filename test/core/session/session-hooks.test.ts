import { expect } from 'chai'
import { connect } from 'node:net'
import { App } from '../../../core/app/app.js'
import type { CloseReason } from '../../../core/request/connection.js'
import { MemoryTransport } from '../../../transports/memory-transport.js'

describe('Session: user hooks', () => {
  /** An App whose onConnection hook throws, recording what reaches onError and onClose. */
  function throwingApp(): { app: App; errors: unknown[]; closes: CloseReason[]; served: string[] } {
    const app = new App()
    const errors: unknown[] = []
    const closes: CloseReason[] = []
    const served: string[] = []
    app.get('/hello', (req, res) => {
      served.push(req.path)
      res.text('hello')
    })
    app.onConnection(() => {
      throw new Error('hook failed')
    })
    app.onClose((_conn, reason) => closes.push(reason))
    app.onError((err) => void errors.push(err))
    return { app, errors, closes, served }
  }

  it('reports a throwing onConnection hook to onError and closes only that connection', async () => {
    const { app, errors, closes, served } = throwingApp()
    const t = new MemoryTransport({ input: ['GET /hello HTTP/1.1\r\nHost: a\r\n\r\n'], endAfterInput: false })
    await app.serve(t)
    expect(errors.map((err) => (err as Error).message)).to.deep.equal(['hook failed'])
    expect(closes).to.deep.equal(['error'])
    expect(served).to.deep.equal([])
    expect(t.output.length).to.equal(0)
    expect(t.isOpen).to.equal(false)
  })

  it('keeps a listening server up and its connection count right when onConnection throws', async () => {
    const { app, errors, closes } = throwingApp()
    const server = await app.listen({ port: 0, host: '127.0.0.1' })
    try {
      for (let i = 0; i < 2; i++) {
        const socket = connect(server.port, '127.0.0.1')
        await new Promise<void>((resolve) => socket.on('close', () => resolve()).on('error', () => undefined))
      }
      expect(errors).to.have.length(2)
      expect(closes).to.deep.equal(['error', 'error'])
      expect(server.connections).to.equal(0)
    } finally {
      await server.close()
    }
  })
})
