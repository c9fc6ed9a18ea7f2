import { expect } from 'chai'
import { OutputQueue } from '../../../core/session/output-queue.js'

const text = (buffers: Buffer[]): string[] => buffers.map((b) => b.toString('latin1'))

describe('OutputQueue', () => {
  it('holds text alone as one string, joined in order, and says whether it is ASCII', () => {
    const q = new OutputQueue(64)
    q.pushText('HTTP/1.1 200 OK\r\n', 17)
    q.pushText('\r\nhi', 4)
    expect([q.onlyText, q.isAscii, q.bytes]).to.deep.equal(['HTTP/1.1 200 OK\r\n\r\nhi', true, 21])
    q.pushText('\u00e9', 2)
    expect([q.onlyText, q.isAscii, q.bytes]).to.deep.equal(['HTTP/1.1 200 OK\r\n\r\nhi\u00e9', false, 23])
  })

  it('keeps text queued before a Buffer ahead of it, and text after it behind it', () => {
    const q = new OutputQueue(4)
    q.pushText('head|', 5)
    q.pushBytes(Buffer.from('large body'))
    q.pushText('|tail', 5)
    expect(q.onlyText).to.equal(undefined)
    expect(q.isAscii).to.equal(false)
    expect(q.bytes).to.equal(20)
    // The large buffer passes through alone; the texts around it are encoded.
    expect(text(q.take())).to.deep.equal(['head|', 'large body', '|tail'])
    expect([q.isEmpty, q.bytes, q.onlyText]).to.deep.equal([true, 0, undefined])
  })

  it('merges small pieces into one buffer, encoding text as UTF-8', () => {
    const q = new OutputQueue(64)
    q.pushText('a\u00e9', 3)
    q.pushBytes(Buffer.from([0xff]))
    q.pushText('z', 1)
    expect(q.take()).to.deep.equal([Buffer.from([0x61, 0xc3, 0xa9, 0xff, 0x7a])])
  })

  it('takes text alone as one UTF-8 buffer', () => {
    const q = new OutputQueue(64)
    q.pushText('\u2713', 3)
    expect(q.take()).to.deep.equal([Buffer.from([0xe2, 0x9c, 0x93])])
    expect(q.take()).to.deep.equal([])
  })

  it('forgets everything on clear()', () => {
    const q = new OutputQueue(64)
    q.pushText('gone', 4)
    q.clear()
    expect([q.isEmpty, q.onlyText, q.take()]).to.deep.equal([true, undefined, []])
    q.pushBytes(Buffer.from('x'))
    q.clear()
    q.pushText('new', 3)
    expect(q.onlyText).to.equal('new')
  })

  it('ignores an empty Buffer', () => {
    const q = new OutputQueue(64)
    q.pushText('t', 1)
    q.pushBytes(Buffer.alloc(0))
    expect(q.onlyText).to.equal('t')
  })
})
