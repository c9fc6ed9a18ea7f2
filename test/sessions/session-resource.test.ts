import { expect } from 'chai'
import { applyPatch } from 'rfc6902'
import type { ClientSession } from '../../sessions/client-session.js'
import { SessionRegistry, type SessionRegistryOptions } from '../../sessions/session-registry.js'
import { patchResource, readResource, type ResourceReply } from '../../sessions/session-resource.js'

const PATCH_TYPE = 'application/json-patch+json'

describe('session data as a JSON resource', () => {
  let registry: SessionRegistry
  let session: ClientSession

  function setUp(options: SessionRegistryOptions = {}, withData = true) {
    registry = new SessionRegistry({
      report: (err) => {
        throw err
      },
      ...options,
    })
    session = registry.create(withData ? { data: { title: 'Groceries', items: ['milk'], owner: { id: 7 } } } : {})
  }

  function patch(body: unknown, headers: { contentType?: string; ifMatch?: string } = {}): Promise<ResourceReply> {
    const text = typeof body === 'string' ? body : JSON.stringify(body)
    return registry.run(session, () =>
      patchResource(registry, session, {
        contentType: 'contentType' in headers ? headers.contentType : PATCH_TYPE,
        ifMatch: headers.ifMatch,
        body: text,
        byteLength: Buffer.byteLength(text),
      }),
    )
  }

  /** The representation a reply sends; a refusal has none. */
  function bodyOf(reply: ResourceReply): string {
    if (!('body' in reply)) throw new Error(`a refusal, not a representation: ${reply.message}`)
    return reply.body
  }

  /** What a refusal tells the client; a representation tells nothing. */
  function messageOf(reply: ResourceReply): string {
    if (!('message' in reply)) throw new Error(`a representation, not a refusal: ${reply.body}`)
    return reply.message
  }

  afterEach(async () => {
    await registry.close()
  })

  describe('GET', () => {
    it('answers the data as JSON with an ETag', () => {
      setUp()
      const reply = readResource(session, undefined)
      expect(reply).to.deep.equal({
        status: 200,
        headers: { 'Content-Type': 'application/json', ETag: '"v1"', 'Cache-Control': 'no-store' },
        body: '{"title":"Groceries","items":["milk"],"owner":{"id":7}}',
      })
    })

    it('answers 304 for an If-None-Match that holds the current ETag', () => {
      setUp()
      expect(readResource(session, 'W/"x", "v1"')).to.deep.include({ status: 304, body: '' })
    })

    it('gives a new ETag after every change', async () => {
      setUp()
      await registry.run(session, () => void (session.data as { items: string[] }).items.push('eggs'))
      expect(readResource(session, undefined).headers.ETag).to.equal('"v2"')
    })

    it('answers 404 for a session without data', () => {
      setUp({}, false)
      expect(readResource(session, undefined)).to.deep.include({
        status: 404,
        message: 'This session has no data',
      })
    })
  })

  describe('PATCH', () => {
    it('applies the patch and answers an empty patch when the client is then up to date', async () => {
      setUp()
      readResource(session, undefined)
      const reply = await patch([{ op: 'add', path: '/items/-', value: 'eggs' }])
      expect(reply).to.deep.equal({
        status: 200,
        headers: { 'Content-Type': PATCH_TYPE, ETag: '"v2"', 'Cache-Control': 'no-store' },
        body: '[]',
      })
      expect(session.data).to.deep.include({ items: ['milk', 'eggs'] })
    })

    it('answers the changes the server made since the client last saw the data, as a patch', async () => {
      setUp()
      readResource(session, undefined)
      await registry.schedule(session, (s) => void ((s.data as { title: string }).title = 'Shopping'), { wait: true })
      const reply = await patch([{ op: 'add', path: '/items/-', value: 'eggs' }])
      expect(JSON.parse(bodyOf(reply))).to.deep.equal([{ op: 'replace', path: '/title', value: 'Shopping' }])
    })

    it('includes what an onPatch hook changed in the reply', async () => {
      setUp()
      const seen: unknown[] = []
      registry.onPatch((s, ops) => {
        seen.push(ops)
        ;(s.data as { items: string[] }).items.sort()
      })
      readResource(session, undefined)
      const reply = await patch([{ op: 'add', path: '/items/-', value: 'apples' }])
      expect(seen).to.deep.equal([[{ op: 'add', path: '/items/-', value: 'apples' }]])
      expect(session.data).to.deep.include({ items: ['apples', 'milk'] })
      // The client applied its own patch; the reply brings it the rest of the way.
      const client = { title: 'Groceries', items: ['milk', 'apples'], owner: { id: 7 } }
      expect(applyPatch(client, JSON.parse(bodyOf(reply))).every((r) => r === null)).to.equal(true)
      expect(client).to.deep.equal(session.data)
    })

    it('applies all operations or none: a failed test is 409 and nothing changes', async () => {
      setUp()
      const reply = await patch([
        { op: 'replace', path: '/title', value: 'Changed' },
        { op: 'test', path: '/items/0', value: 'bread' },
      ])
      expect(reply).to.deep.include({ status: 409, message: 'Operation 1 (test /items/0): test failed' })
      expect(session.data).to.deep.include({ title: 'Groceries' })
      expect(readResource(session, undefined).headers.ETag).to.equal('"v1"')
    })

    it('replaces the whole document with a replace or an add at "" (RFC 6902 §4.1, §4.3)', async () => {
      for (const op of ['replace', 'add'] as const) {
        setUp()
        const reply = await patch([{ op, path: '', value: { fresh: [1] } }])
        expect(reply.status).to.equal(200)
        expect(session.data).to.deep.equal({ fresh: [1] })
        await registry.close()
      }
      setUp()
    })

    it('moves and copies a member onto the whole document', async () => {
      setUp()
      expect((await patch([{ op: 'copy', from: '/owner', path: '' }])).status).to.equal(200)
      expect(session.data).to.deep.equal({ id: 7 })
      expect((await patch([{ op: 'move', from: '/id', path: '' }])).status).to.equal(200)
      expect(session.data).to.equal(7)
      expect(await patch([{ op: 'move', from: '/gone', path: '' }])).to.deep.include({
        status: 409,
        message: 'Operation 0 (move ""): path does not exist',
      })
    })

    it('answers a whole-document replace with a reply the client can apply', async () => {
      setUp()
      const reply = await patch([{ op: 'replace', path: '', value: { items: [] } }])
      const client: unknown = { items: [] }
      expect(applyPatch(client, JSON.parse(bodyOf(reply))).every((r) => r === null)).to.equal(true)
      expect(client).to.deep.equal(session.data)
    })

    const notIndexes: [string, Record<string, unknown>][] = [
      ['a leading zero', { op: 'replace', path: '/items/00', value: 'x' }],
      ['a name', { op: 'add', path: '/items/first', value: 'x' }],
      ['a sign', { op: 'remove', path: '/items/+0' }],
      ['a leading zero in from', { op: 'copy', from: '/items/00', path: '/title' }],
      ['"-" before the end', { op: 'add', path: '/items/-/x', value: 'x' }],
    ]
    for (const [what, op] of notIndexes) {
      it(`answers 400 for an array token with ${what}, and leaves the data as it was`, async () => {
        setUp()
        const reply = await patch([op])
        expect(reply.status).to.equal(400)
        expect(messageOf(reply)).to.match(/is not an array index$/)
        expect(session.data).to.deep.equal({ title: 'Groceries', items: ['milk'], owner: { id: 7 } })
      })
    }

    it('answers 409 for a path that does not exist', async () => {
      setUp()
      expect(await patch([{ op: 'remove', path: '/nothing' }])).to.deep.include({ status: 409 })
    })

    const invalid: [string, unknown, string][] = [
      ['a body that is not JSON', '[{"op":', 'The patch is not JSON'],
      ['a patch that is not an array', { op: 'add', path: '/a', value: 1 }, 'a JSON Patch is an array of operations'],
      ['an unknown operation', [{ op: 'merge', path: '/a', value: 1 }], 'unknown operation "merge"'],
      ['a path that is not a pointer', [{ op: 'add', path: 'a', value: 1 }], '"path" "a" is not a JSON Pointer'],
      ['a bad ~ escape', [{ op: 'add', path: '/a~2', value: 1 }], '"path" "/a~2" is not a JSON Pointer'],
      ['an add without a value', [{ op: 'add', path: '/a' }], 'operation add needs a "value"'],
      ['a move without from', [{ op: 'move', path: '/a' }], 'operation move needs a string "from"'],
      [
        'a __proto__ path',
        [{ op: 'add', path: '/__proto__/polluted', value: true }],
        '"path" "/__proto__/polluted" names a prototype key',
      ],
      [
        'a constructor/prototype path',
        [{ op: 'add', path: '/owner/constructor/prototype/polluted', value: true }],
        '"path" "/owner/constructor/prototype/polluted" names a prototype key',
      ],
      [
        'a prototype key in from',
        [{ op: 'copy', from: '/__proto__', path: '/x' }],
        '"from" "/__proto__" names a prototype key',
      ],
      [
        'a value holding __proto__',
        '[{"op":"add","path":"/x","value":{"__proto__":{"polluted":true}}}]',
        'a value holds a "__proto__" key',
      ],
    ]
    for (const [what, body, message] of invalid) {
      it(`answers 400 for ${what}`, async () => {
        setUp()
        const reply = await patch(body)
        expect(reply).to.deep.equal({
          status: 400,
          headers: {},
          message,
        })
        expect(({} as Record<string, unknown>).polluted).to.equal(undefined)
      })
    }

    it('answers 403 for a path marked read-only, for a parent of it, and lets test read it', async () => {
      setUp({ readOnlyPaths: ['/owner/id'] })
      expect(await patch([{ op: 'replace', path: '/owner/id', value: 1 }])).to.deep.include({
        status: 403,
        message: '"/owner/id" is read-only',
      })
      expect(await patch([{ op: 'replace', path: '/owner', value: {} }])).to.deep.include({ status: 403 })
      expect(await patch([{ op: 'move', from: '/owner/id', path: '/x' }])).to.deep.include({ status: 403 })
      expect(await patch([{ op: 'test', path: '/owner/id', value: 7 }])).to.deep.include({ status: 200 })
      expect(session.data).to.deep.include({ owner: { id: 7 } })
    })

    it('answers 403 for an insertion or removal that would move what a read-only path names', async () => {
      setUp({ readOnlyPaths: ['/cart/1/price'] })
      session.data = {
        cart: [
          { sku: 'tv', price: 999 },
          { sku: 'cable', price: 5 },
        ],
        notes: ['a', 'b', 'c'],
      }
      const moving = [
        { op: 'remove', path: '/cart/0' },
        { op: 'add', path: '/cart/1', value: { sku: 'x', price: 0 } },
        { op: 'move', from: '/cart/0', path: '/notes/-' },
        { op: 'move', from: '/notes/0', path: '/cart/0' },
        { op: 'copy', from: '/notes/0', path: '/cart/0' },
      ]
      for (const op of moving) {
        const reply = await patch([op])
        expect(reply.status, JSON.stringify(op)).to.equal(403)
        expect(messageOf(reply)).to.match(/read-only/)
      }
      expect(session.data).to.deep.include({
        cart: [
          { sku: 'tv', price: 999 },
          { sku: 'cable', price: 5 },
        ],
      })
      // Appending, changing an element before it and arrays elsewhere move nothing.
      for (const op of [
        { op: 'add', path: '/cart/-', value: { sku: 'hdmi', price: 3 } },
        { op: 'replace', path: '/cart/0/sku', value: 'oled' },
        { op: 'remove', path: '/notes/0' },
        { op: 'remove', path: '/cart/2' },
      ])
        expect((await patch([op])).status, JSON.stringify(op)).to.equal(200)
      expect(session.data).to.deep.equal({
        cart: [
          { sku: 'oled', price: 999 },
          { sku: 'cable', price: 5 },
        ],
        notes: ['b', 'c'],
      })
    })

    it('answers 415 with Accept-Patch for another media type', async () => {
      setUp()
      const reply = await patch([], { contentType: 'application/json' })
      expect(reply).to.deep.equal({
        status: 415,
        headers: { 'Accept-Patch': PATCH_TYPE },
        message: 'A session is patched with application/json-patch+json',
      })
    })

    it('accepts the media type with parameters and in any case', async () => {
      setUp()
      expect(await patch([], { contentType: 'Application/JSON-Patch+JSON; charset=utf-8' })).to.deep.include({
        status: 200,
      })
    })

    it('answers 412 for an If-Match with a stale ETag, and applies with the current one', async () => {
      setUp()
      await registry.run(session, () => void ((session.data as { title: string }).title = 'New'))
      expect(await patch([{ op: 'replace', path: '/title', value: 'Mine' }], { ifMatch: '"v1"' })).to.deep.include({
        status: 412,
        message: 'The session changed since that version',
      })
      expect(session.data).to.deep.include({ title: 'New' })
      expect(await patch([{ op: 'replace', path: '/title', value: 'Mine' }], { ifMatch: '"v2"' })).to.deep.include({
        status: 200,
      })
    })

    it('answers 413 for a patch over maxPatchBytes and for data it would make over maxDataBytes', async () => {
      setUp({ maxPatchBytes: 100, maxDataBytes: 200 })
      expect(await patch([{ op: 'add', path: '/x', value: 'y'.repeat(100) }])).to.deep.include({
        status: 413,
        message: 'A patch is limited to 100 bytes',
      })
      setUp({ maxDataBytes: 100 })
      expect(await patch([{ op: 'add', path: '/x', value: 'y'.repeat(100) }])).to.deep.include({
        status: 413,
        message: 'Session data is limited to 100 bytes',
      })
      expect(session.data).to.not.have.property('x')
    })

    it('answers 413 as soon as copy operations grow the data past maxDataBytes, before the rest of the patch runs', async () => {
      setUp({ maxDataBytes: 1024 })
      // Each copy doubles /c: 40 of them would hold 8 × 2^40 numbers, far past any memory.
      const doubling = [
        { op: 'add', path: '/c', value: [1, 2, 3, 4, 5, 6, 7, 8] },
        ...Array.from({ length: 40 }, () => ({ op: 'copy', from: '/c', path: '/c/-' })),
      ]
      expect(await patch(doubling)).to.deep.include({
        status: 413,
        message: 'Session data is limited to 1024 bytes',
      })
      expect(session.data).to.not.have.property('c')
    })
  })
})
