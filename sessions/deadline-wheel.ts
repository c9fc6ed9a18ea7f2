/**
 * Idle deadlines of many sessions in coarse buckets: a bucket holds the keys whose deadline falls
 * in one `resolutionMs` slice of time. Moving a key (activity on its session) is two set
 * operations, and taking what is due visits only the due buckets, so the cost of a tick grows with
 * the sessions that expire, never with the sessions that live. One timer for the whole wheel is the
 * caller's; the wheel itself keeps none, so time is whatever the caller says it is.
 */
export class DeadlineWheel {
  /** Width of one bucket. */
  readonly resolutionMs: number
  #buckets = new Map<number, Set<string>>()
  // Every bucket before this one is empty: due buckets are walked from here.
  #cursor = Number.POSITIVE_INFINITY

  /** @param resolutionMs - width of one bucket; deadlines inside one are taken together */
  constructor(resolutionMs: number) {
    this.resolutionMs = resolutionMs
  }

  /**
   * Files `key` under `deadlineMs`.
   * @returns the bucket, which the caller keeps to move or remove the key later
   */
  add(key: string, deadlineMs: number): number {
    const bucket = Math.floor(deadlineMs / this.resolutionMs)
    let keys = this.#buckets.get(bucket)
    if (keys === undefined) {
      keys = new Set()
      this.#buckets.set(bucket, keys)
      if (bucket < this.#cursor) this.#cursor = bucket
    }
    keys.add(key)
    return bucket
  }

  /** Takes `key` out of `bucket`. */
  remove(key: string, bucket: number): void {
    const keys = this.#buckets.get(bucket)
    if (keys === undefined) return
    keys.delete(key)
    if (keys.size === 0) this.#buckets.delete(bucket)
  }

  /**
   * The keys of every bucket that ended at or before `nowMs`, earliest first, at most `max`;
   * they are removed from the wheel. A bucket still running is left for a later tick, so a
   * deadline is met late by at most `resolutionMs`, never early.
   */
  takeDue(nowMs: number, max: number): string[] {
    const due: string[] = []
    // The bucket that holds nowMs is still running; every one before it has ended.
    const end = Math.floor(nowMs / this.resolutionMs)
    if (this.#cursor >= end) return due
    // After a long idle gap (or a test's jump in time) there may be far more empty slices than
    // buckets: visit the buckets, not the slices.
    const buckets =
      end - this.#cursor > this.#buckets.size
        ? [...this.#buckets.keys()].filter((bucket) => bucket < end).sort((a, b) => a - b)
        : null
    let bucket = this.#cursor
    for (let i = 0; due.length < max; i++) {
      if (buckets !== null) {
        if (i === buckets.length) break
        bucket = buckets[i]!
      } else if (i > 0 && ++bucket >= end) break
      const keys = this.#buckets.get(bucket)
      if (keys === undefined) continue
      for (const key of keys) {
        if (due.length === max) break
        due.push(key)
        keys.delete(key)
      }
      if (keys.size === 0) this.#buckets.delete(bucket)
    }
    // Stopped by max: the bucket it stopped in may still hold keys. Otherwise every bucket
    // before end is empty now, so end is a lower bound for the earliest one.
    this.#cursor = due.length === max ? bucket : end
    return due
  }
}
