// Buffer#latin1Slice is the primitive behind toString('latin1', start, end), without its argument
// coercion and encoding dispatch; the head parser calls it for every field, so the difference counts.
// Files that call it import this one as a type, which costs nothing at run time.
declare global {
  interface Buffer {
    latin1Slice(start: number, end: number): string
  }
}
export {}
