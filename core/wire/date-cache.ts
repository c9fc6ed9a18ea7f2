/**
 * The `Date` field line, formatted once a second rather than once per response (RFC 9110 §6.6.1
 * needs only one-second resolution). The timer runs only while some Session holds the cache.
 */
let dateLine = ''
let holders = 0
let timer: NodeJS.Timeout | undefined

function refresh(): void {
  dateLine = `Date: ${new Date().toUTCString()}\r\n`
}

/** Starts the once-a-second refresh for one more holder. */
export function holdDateCache(): void {
  if (holders++ === 0) {
    refresh()
    timer = setInterval(refresh, 1000)
    timer.unref()
  }
}

/** Ends one holder's use; the timer stops with the last one, so nothing outlives the servers. */
export function releaseDateCache(): void {
  if (holders > 0 && --holders === 0 && timer !== undefined) {
    clearInterval(timer)
    timer = undefined
  }
}

/**
 * @returns the current `Date: …\r\n` field line
 */
export function dateFieldLine(): string {
  return holders > 0 ? dateLine : `Date: ${new Date().toUTCString()}\r\n`
}
