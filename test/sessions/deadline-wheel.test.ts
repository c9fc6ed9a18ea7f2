import { expect } from 'chai'
import { DeadlineWheel } from '../../sessions/deadline-wheel.js'

describe('DeadlineWheel', () => {
  it('takes the keys of buckets that ended, earliest first, walking tick by tick', () => {
    const wheel = new DeadlineWheel(1000)
    wheel.add('c', 3500)
    wheel.add('a', 1200)
    wheel.add('b', 2100)
    expect(wheel.takeDue(1999, 10)).to.deep.equal([])
    expect(wheel.takeDue(2000, 10)).to.deep.equal(['a'])
    expect(wheel.takeDue(3000, 10)).to.deep.equal(['b'])
    expect(wheel.takeDue(3999, 10)).to.deep.equal([])
    expect(wheel.takeDue(4000, 10)).to.deep.equal(['c'])
  })

  it('visits buckets, not empty slices, after a long jump in time', () => {
    const wheel = new DeadlineWheel(1)
    wheel.add('late', 5_000_000)
    wheel.add('early', 10)
    expect(wheel.takeDue(1e12, 10)).to.deep.equal(['early', 'late'])
  })

  it('stops at max inside a bucket and gives the rest next time', () => {
    const wheel = new DeadlineWheel(1000)
    for (const key of ['a', 'b', 'c']) wheel.add(key, 500)
    wheel.add('d', 1500)
    expect(wheel.takeDue(5000, 2)).to.deep.equal(['a', 'b'])
    expect(wheel.takeDue(5000, 2)).to.deep.equal(['c', 'd'])
  })

  it('forgets a removed key, and finds a key added before the cursor', () => {
    const wheel = new DeadlineWheel(1000)
    const bucket = wheel.add('gone', 1500)
    wheel.remove('gone', bucket)
    expect(wheel.takeDue(10_000, 10)).to.deep.equal([])
    wheel.add('back in time', 200)
    expect(wheel.takeDue(10_000, 10)).to.deep.equal(['back in time'])
  })
})
