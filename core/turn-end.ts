/**
 * Work put off to the end of the current turn of the event loop: its check phase, after every I/O
 * callback of the turn has run.
 *
 * A Session writes the responses it answered here rather than at once. Under load one turn serves
 * the requests of dozens of connections, and their responses then leave one after another at its
 * end: a client woken by the first finds the others waiting, instead of going back to sleep
 * between them, and the server's writes wake it less often. The syscalls are the same; what they
 * buy is measured in `bench/RESULTS.md`. A response waits at most for the rest of its turn's
 * callbacks, which an idle server does not have.
 *
 * The immediate is ref'ed: a pending ref'ed immediate keeps the loop from blocking in its poll
 * phase, so work put off here never waits for further I/O.
 */
export interface TurnEndTask {
  /** The turn is ending. Must not throw: a failure belongs to the task's owner. */
  runAtTurnEnd(): void
}

let due: TurnEndTask[] = []
// The list of the previous turn, kept empty for the next: no array is made per turn.
let spare: TurnEndTask[] = []
let isScheduled = false

/**
 * Runs `task.runAtTurnEnd()` at the end of this turn of the event loop (once per call).
 * @param task - the work
 */
export function atTurnEnd(task: TurnEndTask): void {
  due.push(task)
  if (!isScheduled) {
    isScheduled = true
    setImmediate(runDue)
  }
}

function runDue(): void {
  isScheduled = false
  const tasks = due
  // Tasks put off while these run go to the next turn's list.
  due = spare
  spare = tasks
  let failure: { err: unknown } | undefined
  for (let i = 0; i < tasks.length; i++) {
    try {
      tasks[i]!.runAtTurnEnd()
    } catch (err) {
      // One task's failure must not strand the tasks behind it; it surfaces after them.
      failure ??= { err }
    }
  }
  tasks.length = 0
  if (failure !== undefined) throw failure.err
}
