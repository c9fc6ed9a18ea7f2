import { expect } from 'chai'
import sinon from 'sinon'
import { loopNow } from '../../core/loop-clock.js'

const T0 = Date.UTC(2026, 10, 24, 12, 0, 0)

describe('loopNow()', () => {
  let clock: sinon.SinonFakeTimers

  beforeEach(async () => {
    // A turn of its own, so a value read by an earlier spec is forgotten first.
    await new Promise((resolve) => setImmediate(resolve))
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
    await new Promise((resolve) => setImmediate(resolve))
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
    await new Promise((resolve) => setImmediate(resolve))
    expect(loopNow()).to.equal(0)
    clock.tick(7)
    expect(loopNow()).to.equal(0)
  })
})
