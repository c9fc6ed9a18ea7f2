import { expect } from 'chai'
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { connect as netConnect, createServer as createNetServer, type AddressInfo } from 'node:net'
import { networkInterfaces, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const DEMO = fileURLToPath(new URL('../../examples/demo.js', import.meta.url))
const HAS_IPV6_LOOPBACK = Object.values(networkInterfaces()).some((addresses) =>
  (addresses ?? []).some((a) => a.internal && a.family === 'IPv6' && a.address === '::1'),
)
if (!HAS_IPV6_LOOPBACK) console.log('demo: this machine has no ::1, so the demo is checked at 127.0.0.1 alone')
const LOOPBACKS = HAS_IPV6_LOOPBACK ? ['127.0.0.1', '::1'] : ['127.0.0.1']

interface Run {
  readonly child: ChildProcess
  stdout: string
  stderr: string
}

/** Starts the built demo in `cwd` (its development certificate goes there) with `env` added. */
function startDemo(cwd: string, env: Record<string, string>): Run {
  const { HOST: _host, PORT: _port, TLS_PORT: _tlsPort, ...inherited } = process.env
  const child = spawn(process.execPath, [DEMO], { cwd, env: { ...inherited, ...env } })
  const run: Run = { child, stdout: '', stderr: '' }
  child.stdout!.on('data', (chunk: Buffer) => (run.stdout += chunk.toString('utf8')))
  child.stderr!.on('data', (chunk: Buffer) => (run.stderr += chunk.toString('utf8')))
  return run
}

/** One `GET path` over plain TCP, closing; resolves with the whole response. */
async function get(address: string, port: number, path: string): Promise<string> {
  const socket = netConnect({ host: address, port })
  await once(socket, 'connect')
  let text = ''
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')))
  socket.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`)
  await once(socket, 'close')
  return text
}

describe('examples/demo: npm start', function () {
  // It generates a development certificate on its first run.
  this.timeout(30_000)
  let cwd: string

  before(() => {
    cwd = mkdtempSync(join(tmpdir(), 'gatehouse-demo-'))
  })

  after(() => rmSync(cwd, { recursive: true, force: true }))

  it(`listens on localhost by default, answering at ${LOOPBACKS.join(' and ')}, and stops on SIGTERM`, async () => {
    const run = startDemo(cwd, { PORT: '0', TLS_PORT: '0' })
    try {
      while (!run.stdout.includes('\n')) await once(run.child.stdout!, 'data')
      const started = /^Gatehouse demo: http:\/\/localhost:(\d+) and https:\/\/localhost:(\d+)\n$/.exec(run.stdout)
      expect(started, run.stdout + run.stderr).to.not.equal(null)
      const port = Number(started![1])
      for (const address of LOOPBACKS) {
        const response = await get(address, port, '/')
        expect(response, address).to.match(/^HTTP\/1\.1 200 OK\r\n/)
        expect(response.slice(response.indexOf('\r\n\r\n') + 4), address).to.equal(
          'Gatehouse is running. Try GET /api/status or POST /api/echo.\n',
        )
      }
      const exited = once(run.child, 'exit')
      run.child.kill('SIGTERM')
      expect(await exited).to.deep.equal([0, null])
      expect(run.stderr).to.equal('')
    } finally {
      run.child.kill('SIGKILL')
    }
  })

  it('prints one line and exits 1 when its port is in use', async () => {
    const blocker = createNetServer().listen(0, '127.0.0.1')
    await once(blocker, 'listening')
    const port = (blocker.address() as AddressInfo).port
    try {
      const run = startDemo(cwd, { PORT: String(port), TLS_PORT: '0' })
      const [code] = (await once(run.child, 'exit')) as [number | null]
      expect([code, run.stdout, run.stderr]).to.deep.equal([
        1,
        '',
        `port ${port} on localhost is already in use: stop the other server or choose another port (PORT=…)\n`,
      ])
    } finally {
      blocker.close()
    }
  })
})
