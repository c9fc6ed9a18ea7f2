import { expect } from 'chai'
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { repositoryRoot } from '../../helpers/repository-root.js'

const run = promisify(execFile)

describe('chunked body memory (the worst chunking)', () => {
  it('holds about one byte of heap per body byte while a 1 MiB body arrives as 1-byte chunks', async () => {
    // A child process, since the measurement needs a full GC (--expose-gc) and a quiet heap.
    const script = join(repositoryRoot(import.meta.url), 'dist/bench/wire/chunked-memory.js')
    const { stdout } = await run(process.execPath, ['--expose-gc', script, '--body', String(1 << 20), '--chunk', '1'])
    const { heapBytesPerBodyByte } = JSON.parse(stdout) as { heapBytesPerBodyByte: number }
    // A view per chunk held about 110 bytes per body byte; the grown buffer holds at most two.
    expect(heapBytesPerBodyByte).to.be.below(3)
  })
})
