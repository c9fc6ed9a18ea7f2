import { expect } from 'chai'
import { RestartPolicy } from '../../../core/server/restart-policy.js'

describe('RestartPolicy', () => {
  const options = { minDelayMs: 100, maxDelayMs: 500, crashLoopExits: 5, crashLoopWindowMs: 60_000 }

  it('doubles the delay with each exit within the window, up to maxDelayMs', () => {
    const policy = new RestartPolicy(options)
    const delays = [0, 1, 2, 3].map((at) => policy.exited(at))
    expect(delays).to.deep.equal([
      { restart: true, delayMs: 100 },
      { restart: true, delayMs: 200 },
      { restart: true, delayMs: 400 },
      { restart: true, delayMs: 500 },
    ])
  })

  it('calls the exit that reaches crashLoopExits within the window a crash loop', () => {
    const policy = new RestartPolicy(options)
    for (let at = 0; at < 4; at++) policy.exited(at)
    expect(policy.exited(4)).to.deep.equal({ restart: false, exits: 5 })
  })

  it('forgets exits older than the window, so a worker that ran fine starts again from minDelayMs', () => {
    const policy = new RestartPolicy(options)
    for (let at = 0; at < 4; at++) policy.exited(at)
    expect(policy.exited(60_004)).to.deep.equal({ restart: true, delayMs: 100 })
  })

  it('starts again from minDelayMs after reset()', () => {
    const policy = new RestartPolicy(options)
    policy.exited(0)
    policy.exited(1)
    policy.reset()
    expect(policy.exited(2)).to.deep.equal({ restart: true, delayMs: 100 })
  })
})
