/**
 * A body piece as a Buffer without copying bytes: text is encoded as UTF-8, a Buffer is itself, any
 * other Uint8Array a view of the same memory.
 * @param chunk - what a handler wrote or sent
 * @returns the bytes
 */
export function bodyBytes(chunk: Buffer | Uint8Array | string): Buffer {
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8')
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
}
