import { expect } from 'chai'
import sinon from 'sinon'
import { DeadlineList, type DeadlineEntry, type TimerOwner } from '../../../core/session/deadline-list.js'
import { StageTimer, TimerLists } from '../../../core/session/stage-timer.js'

/** When the faked clock starts: any non-zero instant, so deadlines are never 0. */
const T0 = Date.UTC(2026, 10, 24, 12, 0, 0)

/** What the owners in these specs record: which one expired, and when (ms after T0). */
type Expiry = [name: string, at: number]

describe('DeadlineList', () => {
  let clock: sinon.SinonFakeTimers
  let expired: Expiry[]

  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: T0, toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    expired = []
  })
  afterEach(() => clock.restore())

  /** An owner that records its expiry, then runs `then` (to re-arm, disarm or throw). */
  function owner(name: string, then?: () => void): TimerOwner {
    return {
      expire: () => {
        expired.push([name, Date.now() - T0])
        then?.()
      },
    }
  }

  function entry(name: string, then?: () => void): DeadlineEntry {
    return { owner: owner(name, then), deadline: 0, list: null, previous: null, next: null }
  }

  describe('expiry', () => {
    it('expires entries in arming order, each at exactly its deadline and not 1 ms before', () => {
      const list = new DeadlineList(1000)
      list.add(entry('a'), Date.now())
      clock.tick(100)
      list.add(entry('b'), Date.now())
      clock.tick(150)
      list.add(entry('c'), Date.now())
      expect(clock.countTimers()).to.equal(1)
      clock.tick(749)
      expect(expired).to.deep.equal([])
      clock.tick(1)
      expect(expired).to.deep.equal([['a', 1000]])
      clock.tick(99)
      expect(expired).to.deep.equal([['a', 1000]])
      clock.tick(1)
      expect(expired).to.deep.equal([
        ['a', 1000],
        ['b', 1100],
      ])
      clock.tick(149)
      expect(expired).to.deep.equal([
        ['a', 1000],
        ['b', 1100],
      ])
      clock.tick(1)
      expect(expired).to.deep.equal([
        ['a', 1000],
        ['b', 1100],
        ['c', 1250],
      ])
      expect(clock.countTimers()).to.equal(0)
    })

    it('expires together the entries armed at the same instant, in arming order, with one timer call', () => {
      const list = new DeadlineList(500)
      const fire = sinon.spy(list, 'fire')
      for (const name of ['a', 'b', 'c']) list.add(entry(name), Date.now())
      clock.tick(500)
      expect(expired).to.deep.equal([
        ['a', 500],
        ['b', 500],
        ['c', 500],
      ])
      expect(fire.callCount).to.equal(1)
    })
  })

  describe('re-arming and disarming', () => {
    it('re-arming an entry in the same list moves it to the tail without touching the Node timer', () => {
      const list = new DeadlineList(1000)
      const setTimeoutSpy = sinon.spy(globalThis, 'setTimeout')
      const clearTimeoutSpy = sinon.spy(globalThis, 'clearTimeout')
      try {
        const a = entry('a')
        list.add(a, Date.now())
        list.add(entry('b'), Date.now())
        expect(setTimeoutSpy.callCount).to.equal(1)
        clock.tick(400)
        list.add(a, Date.now())
        expect(setTimeoutSpy.callCount).to.equal(1)
        expect(clearTimeoutSpy.callCount).to.equal(0)
        expect(clock.countTimers()).to.equal(1)
        clock.tick(600)
        expect(expired).to.deep.equal([['b', 1000]])
        clock.tick(399)
        expect(expired).to.deep.equal([['b', 1000]])
        clock.tick(1)
        expect(expired).to.deep.equal([
          ['b', 1000],
          ['a', 1400],
        ])
      } finally {
        setTimeoutSpy.restore()
        clearTimeoutSpy.restore()
      }
    })

    it('re-arming the only entry keeps the one timer, which fires early, waits again and expires it at its new deadline', () => {
      const list = new DeadlineList(1000)
      const a = entry('a')
      list.add(a, Date.now())
      clock.tick(300)
      list.add(a, Date.now())
      expect(clock.countTimers()).to.equal(1)
      clock.tick(700)
      expect(expired).to.deep.equal([])
      expect(clock.countTimers()).to.equal(1)
      clock.tick(299)
      expect(expired).to.deep.equal([])
      clock.tick(1)
      expect(expired).to.deep.equal([['a', 1300]])
    })

    it('after the head is disarmed, fires at its old deadline, waits again, and expires the next entry at its own deadline', () => {
      const list = new DeadlineList(1000)
      const fire = sinon.spy(list, 'fire')
      const a = entry('a')
      list.add(a, Date.now())
      clock.tick(300)
      list.add(entry('b'), Date.now())
      clock.tick(100)
      list.remove(a)
      expect(a.list).to.equal(null)
      expect(clock.countTimers()).to.equal(1)
      clock.tick(600)
      // The timer waited for `a`: it fired, found nothing due, and waits for `b`.
      expect(fire.callCount).to.equal(1)
      expect(expired).to.deep.equal([])
      expect(clock.countTimers()).to.equal(1)
      clock.tick(299)
      expect(expired).to.deep.equal([])
      clock.tick(1)
      expect(expired).to.deep.equal([['b', 1300]])
      expect(fire.callCount).to.equal(2)
    })

    it('disarming an entry in the middle leaves the entries around it on time', () => {
      const list = new DeadlineList(1000)
      list.add(entry('a'), Date.now())
      clock.tick(100)
      const b = entry('b')
      list.add(b, Date.now())
      clock.tick(100)
      list.add(entry('c'), Date.now())
      list.remove(b)
      clock.tick(1000)
      expect(expired).to.deep.equal([
        ['a', 1000],
        ['c', 1200],
      ])
    })

    it('clears its Node timer when the last entry is disarmed', () => {
      const list = new DeadlineList(1000)
      const a = entry('a')
      const b = entry('b')
      list.add(a, Date.now())
      list.add(b, Date.now())
      list.remove(a)
      expect(clock.countTimers()).to.equal(1)
      list.remove(b)
      expect(clock.countTimers()).to.equal(0)
      clock.tick(5000)
      expect(expired).to.deep.equal([])
    })

    it('schedules a new timer for an entry armed after the list emptied', () => {
      const list = new DeadlineList(1000)
      const a = entry('a')
      list.add(a, Date.now())
      list.remove(a)
      clock.tick(500)
      list.add(a, Date.now())
      expect(clock.countTimers()).to.equal(1)
      clock.tick(999)
      expect(expired).to.deep.equal([])
      clock.tick(1)
      expect(expired).to.deep.equal([['a', 1500]])
    })

    it('moves an entry to a list of another duration, clearing the timer of the list it left empty', () => {
      const long = new DeadlineList(1000)
      const short = new DeadlineList(300)
      const a = entry('a')
      long.add(a, Date.now())
      clock.tick(100)
      short.add(a, Date.now())
      expect(a.list).to.equal(short)
      expect(clock.countTimers()).to.equal(1)
      clock.tick(299)
      expect(expired).to.deep.equal([])
      clock.tick(1)
      expect(expired).to.deep.equal([['a', 400]])
      expect(clock.countTimers()).to.equal(0)
    })

    it('moves an entry out of a list that keeps others, which stay on time', () => {
      const long = new DeadlineList(1000)
      const short = new DeadlineList(300)
      const a = entry('a')
      long.add(a, Date.now())
      long.add(entry('b'), Date.now())
      clock.tick(100)
      short.add(a, Date.now())
      expect(clock.countTimers()).to.equal(2)
      clock.tick(900)
      expect(expired).to.deep.equal([
        ['a', 400],
        ['b', 1000],
      ])
      expect(clock.countTimers()).to.equal(0)
    })
  })

  describe('owners that act while the list fires', () => {
    it("expires every entry due with an owner whose expire() throws, then rethrows that owner's error once", () => {
      const list = new DeadlineList(1000)
      const fire = sinon.spy(list, 'fire')
      const first = new Error('first owner failed')
      const second = new Error('second owner failed')
      list.add(
        entry('a', () => {
          throw first
        }),
        Date.now(),
      )
      list.add(entry('b'), Date.now())
      list.add(
        entry('c', () => {
          throw second
        }),
        Date.now(),
      )
      expect(() => clock.tick(1000)).to.throw(first)
      expect(expired).to.deep.equal([
        ['a', 1000],
        ['b', 1000],
        ['c', 1000],
      ])
      expect(fire.callCount).to.equal(1)
      expect(fire.exceptions).to.deep.equal([first])
    })

    it('keeps waiting for the entries not yet due after an owner threw', () => {
      const list = new DeadlineList(1000)
      const failure = new Error('owner failed')
      list.add(
        entry('a', () => {
          throw failure
        }),
        Date.now(),
      )
      clock.tick(200)
      list.add(entry('b'), Date.now())
      expect(() => clock.tick(800)).to.throw(failure)
      expect(clock.countTimers()).to.equal(1)
      clock.tick(199)
      expect(expired).to.deep.equal([['a', 1000]])
      clock.tick(1)
      expect(expired).to.deep.equal([
        ['a', 1000],
        ['b', 1200],
      ])
    })

    it('honours an expire() that re-arms its own entry', () => {
      const list = new DeadlineList(1000)
      let rearms = 1
      const a: DeadlineEntry = entry('a', () => {
        if (rearms-- > 0) list.add(a, Date.now())
      })
      list.add(a, Date.now())
      clock.tick(1000)
      expect(expired).to.deep.equal([['a', 1000]])
      expect(a.list).to.equal(list)
      expect(clock.countTimers()).to.equal(1)
      clock.tick(999)
      expect(expired).to.deep.equal([['a', 1000]])
      clock.tick(1)
      expect(expired).to.deep.equal([
        ['a', 1000],
        ['a', 2000],
      ])
      expect(clock.countTimers()).to.equal(0)
    })

    it('honours an expire() that arms another entry in a list of another duration', () => {
      const list = new DeadlineList(1000)
      const other = new DeadlineList(300)
      const b = entry('b')
      list.add(
        entry('a', () => other.add(b, Date.now())),
        Date.now(),
      )
      clock.tick(1000)
      expect(clock.countTimers()).to.equal(1)
      clock.tick(299)
      expect(expired).to.deep.equal([['a', 1000]])
      clock.tick(1)
      expect(expired).to.deep.equal([
        ['a', 1000],
        ['b', 1300],
      ])
    })

    it('honours an expire() that disarms an entry due at the same moment', () => {
      const list = new DeadlineList(1000)
      const b = entry('b')
      list.add(
        entry('a', () => list.remove(b)),
        Date.now(),
      )
      list.add(b, Date.now())
      list.add(entry('c'), Date.now())
      clock.tick(1000)
      expect(expired).to.deep.equal([
        ['a', 1000],
        ['c', 1000],
      ])
      expect(b.list).to.equal(null)
      expect(clock.countTimers()).to.equal(0)
    })

    it('expires an entry already waiting at its own deadline when an expire() re-arms into the same list', () => {
      const list = new DeadlineList(1000)
      let rearms = 1
      const a: DeadlineEntry = entry('a', () => {
        if (rearms-- > 0) list.add(a, Date.now())
      })
      list.add(a, Date.now())
      clock.tick(500)
      list.add(entry('b'), Date.now())
      clock.tick(500)
      expect(expired).to.deep.equal([['a', 1000]])
      clock.tick(499)
      expect(expired).to.deep.equal([['a', 1000]])
      clock.tick(1)
      // `b` was armed at 500 for 1000 ms; it must not wait for `a`'s new deadline at 2000.
      expect(expired).to.deep.equal([
        ['a', 1000],
        ['b', 1500],
      ])
    })
  })

  describe('the Node timer', () => {
    it("waits on one setTimeout of the head's remaining time", () => {
      const setTimeoutSpy = sinon.spy(globalThis, 'setTimeout')
      try {
        const list = new DeadlineList(1000)
        list.add(entry('a'), Date.now())
        expect(setTimeoutSpy.callCount).to.equal(1)
        expect(setTimeoutSpy.firstCall.args[1]).to.equal(1000)
      } finally {
        setTimeoutSpy.restore()
      }
    })
  })
})

describe('DeadlineList with real timers', () => {
  it("does not keep the process alive: its Node timer is unref'd", () => {
    const setTimeoutSpy = sinon.spy(globalThis, 'setTimeout')
    const list = new DeadlineList(60_000)
    const a: DeadlineEntry = { owner: { expire: () => undefined }, deadline: 0, list: null, previous: null, next: null }
    try {
      list.add(a, Date.now())
      expect(setTimeoutSpy.callCount).to.equal(1)
      const timer = setTimeoutSpy.firstCall.returnValue as unknown as NodeJS.Timeout
      expect(timer.hasRef()).to.equal(false)
    } finally {
      setTimeoutSpy.restore()
      list.remove(a)
    }
  })
})

describe('StageTimer', () => {
  let clock: sinon.SinonFakeTimers
  let lists: TimerLists
  let expiries: number[]
  const owner: TimerOwner = { expire: () => expiries.push(Date.now() - T0) }

  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: T0, toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    lists = new TimerLists()
    expiries = []
  })
  afterEach(() => clock.restore())

  it('arm(ms) tells its owner once, ms after the call', () => {
    const timer = new StageTimer(owner)
    clock.tick(50)
    timer.arm(200, lists)
    clock.tick(199)
    expect(expiries).to.deep.equal([])
    clock.tick(1)
    expect(expiries).to.deep.equal([250])
    clock.tick(10_000)
    expect(expiries).to.deep.equal([250])
  })

  it('arm(ms) replaces the deadline armed before', () => {
    const timer = new StageTimer(owner)
    timer.arm(200, lists)
    clock.tick(150)
    timer.arm(200, lists)
    clock.tick(199)
    expect(expiries).to.deep.equal([])
    clock.tick(1)
    expect(expiries).to.deep.equal([350])
  })

  it('arm(0) disarms and leaves no Node timer', () => {
    const timer = new StageTimer(owner)
    timer.arm(200, lists)
    timer.arm(0, lists)
    expect(timer.list).to.equal(null)
    expect(clock.countTimers()).to.equal(0)
    clock.tick(1000)
    expect(expiries).to.deep.equal([])
  })

  it('disarm() cancels the deadline, and does nothing on a timer that is not armed', () => {
    const timer = new StageTimer(owner)
    timer.disarm()
    timer.arm(200, lists)
    timer.disarm()
    timer.disarm()
    expect(clock.countTimers()).to.equal(0)
    clock.tick(1000)
    expect(expiries).to.deep.equal([])
  })

  it("moves between the lists of two durations, taking the first list's Node timer with it", () => {
    const timer = new StageTimer(owner)
    timer.arm(1000, lists)
    expect(timer.list).to.equal(lists.forDuration(1000))
    timer.arm(300, lists)
    expect(timer.list).to.equal(lists.forDuration(300))
    expect(clock.countTimers()).to.equal(1)
    clock.tick(299)
    expect(expiries).to.deep.equal([])
    clock.tick(1)
    expect(expiries).to.deep.equal([300])
    expect(clock.countTimers()).to.equal(0)
  })

  it('shares one Node timer among the timers armed for one duration', () => {
    const timers = [new StageTimer(owner), new StageTimer(owner), new StageTimer(owner)]
    for (const timer of timers) timer.arm(400, lists)
    expect(clock.countTimers()).to.equal(1)
    new StageTimer(owner).arm(500, lists)
    expect(clock.countTimers()).to.equal(2)
    clock.tick(400)
    expect(expiries).to.deep.equal([400, 400, 400])
    expect(clock.countTimers()).to.equal(1)
  })
})

describe('TimerLists', () => {
  it('forDuration(ms) returns the same list for the same duration, and another for another duration', () => {
    const lists = new TimerLists()
    const list = lists.forDuration(1000)
    expect(list).to.be.instanceOf(DeadlineList)
    expect(lists.forDuration(1000)).to.equal(list)
    expect(lists.forDuration(999)).to.not.equal(list)
    expect(new TimerLists().forDuration(1000)).to.not.equal(list)
  })
})
