import { atTurnEnd, type TurnEndTask } from './turn-end.js'

/**
 * The time as of the current turn of the event loop: `Date.now()` read once per turn, not once
 * per request. Under load one turn serves the requests of dozens of connections, and the clock
 * read is a native call (about 40 ns here) that every keep-alive request would otherwise make.
 *
 * Node's own timers measure from the loop's time in the same way, so a deadline armed from this
 * clock may be early by at most the time the turn has already run, like a `setTimeout` set there.
 * The value is forgotten at the turn's end (`turn-end.ts`), after all of its I/O callbacks, by
 * the same immediate that writes the turn's responses.
 *
 * That immediate is ref'ed: a pending ref'ed immediate keeps the loop from blocking in its poll
 * phase, so a value read in a timer or an immediate (whose forgetting falls after the next poll)
 * is forgotten before the loop waits for I/O, never carried across an idle wait.
 */
let now = 0
let isFresh = false

const FORGET: TurnEndTask = {
  runAtTurnEnd(): void {
    isFresh = false
  },
}

/** @returns milliseconds since the epoch, as first read in this turn of the event loop */
export function loopNow(): number {
  if (!isFresh) {
    now = Date.now()
    isFresh = true
    atTurnEnd(FORGET)
  }
  return now
}
