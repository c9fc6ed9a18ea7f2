import { expect } from 'chai'
import { atTurnEnd, claimTurnStart, type TurnEndTask } from '../../../core/session/turn-end.js'
import { turnEnded } from '../../helpers/turn-end.js'

function task(log: string[], name: string, run: () => void = () => {}): TurnEndTask {
  return {
    runAtTurnEnd: () => {
      log.push(name)
      run()
    },
  }
}

describe('atTurnEnd()', () => {
  it('runs the tasks of a turn at its end, in the order they were put off', async () => {
    const log: string[] = []
    atTurnEnd(task(log, 'a'))
    atTurnEnd(task(log, 'b'))
    await Promise.resolve()
    log.push('microtasks done')
    await turnEnded()
    expect(log).to.deep.equal(['microtasks done', 'a', 'b'])
  })

  it('runs a task put off while the tasks run at the end of the next turn', async () => {
    const log: string[] = []
    const late = task(log, 'late')
    atTurnEnd(task(log, 'first', () => atTurnEnd(late)))
    await turnEnded()
    expect(log).to.deep.equal(['first'])
    await turnEnded()
    expect(log).to.deep.equal(['first', 'late'])
  })

  it('gives the start of a turn to its first claimant only, and again in the next turn', async () => {
    await turnEnded()
    expect(claimTurnStart()).to.equal(true)
    expect(claimTurnStart()).to.equal(false)
    await Promise.resolve()
    expect(claimTurnStart()).to.equal(false)
    await turnEnded()
    expect(claimTurnStart()).to.equal(true)
  })

  it('runs every task when one throws, then surfaces the first failure', async () => {
    const log: string[] = []
    const failure = new Error('task failed')
    // Mocha's own handler would fail the spec: the failure is caught here instead, then it is restored.
    const mochaHandlers = process.listeners('uncaughtException')
    process.removeAllListeners('uncaughtException')
    const surfaced = new Promise<unknown>((resolve) => process.once('uncaughtException', resolve))
    try {
      atTurnEnd(
        task(log, 'a', () => {
          throw failure
        }),
      )
      atTurnEnd(
        task(log, 'b', () => {
          throw new Error('second failure')
        }),
      )
      atTurnEnd(task(log, 'c'))
      expect(await surfaced).to.equal(failure)
    } finally {
      for (const handler of mochaHandlers) process.on('uncaughtException', handler)
    }
    expect(log).to.deep.equal(['a', 'b', 'c'])
    // The next turn's tasks still run.
    atTurnEnd(task(log, 'd'))
    await turnEnded()
    expect(log).to.deep.equal(['a', 'b', 'c', 'd'])
  })
})
