import type { Transport } from './transport.js'

/**
 * Writes every byte of `chunks`, in order, continuing after short writes. Several chunks go out in
 * one `writev` where the transport has it.
 *
 * @param transport - where to write
 * @param chunks - the buffers to write
 * @returns `false` when the transport accepted 0 bytes (the connection is over)
 */
export async function writeAll(transport: Transport, chunks: readonly Buffer[]): Promise<boolean> {
  let first = 0
  let offset = 0
  if (chunks.length > 1 && transport.writev !== undefined) {
    let total = 0
    for (const chunk of chunks) total += chunk.length
    let accepted = await transport.writev(chunks)
    if (accepted === total) return true
    if (!(accepted > 0)) return false
    while (accepted >= chunks[first]!.length) accepted -= chunks[first++]!.length
    offset = accepted
  }
  for (let i = first; i < chunks.length; i++) {
    const chunk = chunks[i]!
    while (offset < chunk.length) {
      const accepted = await transport.write(offset === 0 ? chunk : chunk.subarray(offset))
      if (!(accepted > 0)) return false
      offset += accepted
    }
    offset = 0
  }
  return true
}
