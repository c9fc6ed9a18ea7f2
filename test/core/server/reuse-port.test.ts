import { expect } from 'chai'
import { App } from '../../../core/app/app.js'
import { ReusePortUnsupportedError } from '../../../core/errors.js'
import { assertReusePort, supportsReusePort } from '../../../core/server/reuse-port.js'

describe('reusePort', () => {
  const table: [string, string, boolean][] = [
    ['v20.19.0', 'linux', false],
    ['v22.11.0', 'linux', false],
    ['v22.12.0', 'linux', true],
    ['v23.0.0', 'linux', false],
    ['v23.1.0', 'linux', true],
    ['v24.0.0', 'linux', true],
    ['v24.0.0', 'darwin', false],
    ['v24.0.0', 'win32', false],
  ]
  for (const [version, platform, supported] of table) {
    it(`is ${supported ? '' : 'not '}supported on Node ${version} on ${platform}`, () => {
      expect(supportsReusePort(version, platform)).to.equal(supported)
    })
  }

  it('throws ERR_REUSE_PORT_UNSUPPORTED naming the version and platform where it is missing', () => {
    expect(() => assertReusePort('v20.19.0', 'linux'))
      .to.throw(
        ReusePortUnsupportedError,
        'reusePort needs Node 22.12+ or 23.1+ on Linux; this is Node v20.19.0 on linux',
      )
      .with.property('code', 'ERR_REUSE_PORT_UNSUPPORTED')
  })

  if (!supportsReusePort(process.version, process.platform)) {
    it(`makes app.listen() reject on this Node (${process.version}), with or without workers, before anything binds or forks`, async () => {
      const app = new App()
      for (const options of [
        { port: 0, reusePort: true },
        { port: 0, reusePort: true, workers: 2 },
      ]) {
        const err = await app.listen(options).then(
          () => undefined,
          (e: unknown) => e,
        )
        expect(err).to.be.instanceOf(ReusePortUnsupportedError)
        expect(err).to.have.property('platform', process.platform)
      }
    })
  } else {
    it(`lets two servers bind one port on this Node (${process.version})`, async () => {
      const first = await new App().listen({ port: 0, host: '127.0.0.1', reusePort: true })
      const second = await new App().listen({ port: first.port, host: '127.0.0.1', reusePort: true })
      expect(second.port).to.equal(first.port)
      await Promise.all([first.close(), second.close()])
    })
  }
})
