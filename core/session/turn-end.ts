/**
 * Work put off to the end of the current turn of the event loop: its check phase, after every I/O
 * callback of the turn has run.
 *
 * A Session writes the first response of a turn at once and puts the others off to the turn's end
 * (`claimTurnStart`). Under load one turn serves the requests of dozens of connections; their
 * responses then leave one after another at its end, so a client woken by one finds the others
 * waiting instead of going back to sleep between them, and the server's writes wake it less often.
 * The syscalls are the same; what they buy is measured in `bench/RESULTS.md`. A lone request on a
 * quiet server is the first of its turn and waits for nothing: a write in the check phase reaches
 * the client about 4 µs later than one made in the I/O callback, measured here.
 *
 * The immediate is ref'ed: a pending ref'ed immediate keeps the loop from blocking in its poll
 * phase, so work put off here never waits for further I/O.
 */
export interface TurnEndTask {
  /** The turn is ending. Must not throw: a failure belongs to the task's owner. */
  runAtTurnEnd(): void
}

// The tasks of this turn, and those of the previous turn, whose list is reused for the next: the
// lists keep their size (emptying an array by `length = 0` would give its storage back, to be
// grown again slot by slot every turn), and a task run is let go.
let due: (TurnEndTask | undefined)[] = []
let dueCount = 0
let spare: (TurnEndTask | undefined)[] = []
let isScheduled = false
let isTurnStartClaimed = false

/**
 * Runs `task.runAtTurnEnd()` at the end of this turn of the event loop (once per call).
 * @param task - the work
 */
export function atTurnEnd(task: TurnEndTask): void {
  due[dueCount++] = task
  schedule()
}

/**
 * Claims the start of this turn of the event loop for the caller: `true` for the first caller of
 * a turn, which then writes at once, `false` for every later one, which puts its writes off to
 * the turn's end.
 * @returns whether the caller is the first of its turn
 */
export function claimTurnStart(): boolean {
  if (isTurnStartClaimed) return false
  isTurnStartClaimed = true
  schedule()
  return true
}

function schedule(): void {
  if (isScheduled) return
  isScheduled = true
  setImmediate(runDue)
}

function runDue(): void {
  isScheduled = false
  isTurnStartClaimed = false
  const tasks = due
  const count = dueCount
  // Tasks put off while these run go to the next turn's list.
  due = spare
  dueCount = 0
  spare = tasks
  let failure: { err: unknown } | undefined
  for (let i = 0; i < count; i++) {
    const task = tasks[i]!
    tasks[i] = undefined
    try {
      task.runAtTurnEnd()
    } catch (err) {
      // One task's failure must not strand the tasks behind it; it surfaces after them.
      failure ??= { err }
    }
  }
  if (failure !== undefined) throw failure.err
}
