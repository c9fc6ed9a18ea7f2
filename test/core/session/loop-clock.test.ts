import { expect } from 'chai'
import sinon from 'sinon'
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { loopNow } from '../../../core/session/loop-clock.js'
import { turnEnded } from '../../helpers/turn-end.js'

const T0 = Date.UTC(2026, 10, 24, 12, 0, 0)

describe('loopNow()', () => {
  let clock: sinon.SinonFakeTimers

  beforeEach(async () => {
    // A turn of its own, so a value read by an earlier spec is forgotten first.
    await turnEnded()
    clock = sinon.useFakeTimers({ now: T0, toFake: ['Date'] })
  })
  afterEach(() => clock.restore())

  it('reads the clock once per turn of the event loop', () => {
    expect(loopNow()).to.equal(T0)
    clock.tick(25)
    expect(Date.now()).to.equal(T0 + 25)
    expect(loopNow()).to.equal(T0)
  })

  it('reads it again in the next turn, after the check phase', async () => {
    expect(loopNow()).to.equal(T0)
    clock.tick(25)
    await turnEnded()
    expect(loopNow()).to.equal(T0 + 25)
  })

  it('keeps the value through the microtasks of the same turn', async () => {
    expect(loopNow()).to.equal(T0)
    clock.tick(5)
    await Promise.resolve()
    expect(loopNow()).to.equal(T0)
  })

  it('works with a clock that reads 0', async () => {
    clock.setSystemTime(0)
    await turnEnded()
    expect(loopNow()).to.equal(0)
    clock.tick(7)
    expect(loopNow()).to.equal(0)
  })
})

describe('loopNow() across an idle wait', () => {
  let peer: ChildProcess

  // A process that answers a byte on its stdin 30 ms later: I/O that wakes this loop from its
  // wait directly, with no timer or immediate of this process passing first.
  beforeEach(async () => {
    peer = spawn(
      process.execPath,
      ['-e', "process.stdin.on('data', () => setTimeout(() => process.stdout.write('x'), 30))"],
      {
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    )
    await once(peer, 'spawn')
  })
  afterEach(() => {
    peer.kill()
  })

  /** Reads the clock from `schedule`'s callback, then again when the peer's answer arrives. */
  function elapsedAcrossWait(schedule: (callback: () => void) => void): Promise<number> {
    return new Promise((resolve) => {
      schedule(() => {
        const first = loopNow()
        peer.stdout!.once('data', () => resolve(loopNow() - first))
        peer.stdin!.write('go')
      })
    })
  }

  it('forgets a value read in a timer before the loop waits for I/O', async () => {
    expect(await elapsedAcrossWait((callback) => setTimeout(callback, 1))).to.be.at.least(25)
  })

  it('forgets a value read in an immediate before the loop waits for I/O', async () => {
    expect(await elapsedAcrossWait((callback) => setImmediate(callback))).to.be.at.least(25)
  })
})
