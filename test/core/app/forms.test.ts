import { expect } from 'chai'
import { App } from '../../../core/app/app.js'

const BOUNDARY = 'XyZ'

function multipart(parts: { name: string; value: string; filename?: string; type?: string }[]): string {
  let out = ''
  for (const part of parts) {
    out += `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${part.name}"${part.filename === undefined ? '' : `; filename="${part.filename}"`}\r\n`
    if (part.type !== undefined) out += `Content-Type: ${part.type}\r\n`
    out += `\r\n${part.value}\r\n`
  }
  return `${out}--${BOUNDARY}--\r\n`
}

const MULTIPART = `multipart/form-data; boundary=${BOUNDARY}`

describe('req.form()', () => {
  function formApp(): App {
    const app = new App({ serverHeader: false })
    app.post('/form', async (req) => {
      const form = await req.form({ maxFields: 3, maxFileBytes: 8 })
      return { fields: form.fields, all: form.all, files: form.files.map((f) => ({ ...f, data: f.data.toString() })) }
    })
    app.post('/stream', { streamBody: true }, async (req) => {
      const sizes: [string, number][] = []
      const form = await req.form({
        onFile: async (file) => {
          let bytes = 0
          for await (const chunk of file.stream) bytes += (chunk as Buffer).length
          sizes.push([file.filename, bytes])
        },
      })
      return { fields: form.fields, sizes }
    })
    // A handler that takes its files' names and never reads their streams.
    app.post('/names', { streamBody: true }, async (req) => {
      const names: string[] = []
      await req.form({ onFile: (file) => void names.push(file.filename) })
      return names
    })
    return app
  }

  it('reads a urlencoded form, repeated names kept in all', async () => {
    const res = await formApp().inject({
      method: 'POST',
      path: '/form',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'a=1&b=x%20y&a=2',
    })
    expect(res.json()).to.deep.equal({
      fields: { a: '2', b: 'x y' },
      all: [
        ['a', '1'],
        ['b', 'x y'],
        ['a', '2'],
      ],
      files: [],
    })
  })

  it('reads a multipart form with a file', async () => {
    const body = multipart([
      { name: 'title', value: 'hi' },
      { name: 'doc', value: 'abc', filename: 'a.txt', type: 'text/plain' },
    ])
    const res = await formApp().inject({ method: 'POST', path: '/form', headers: { 'Content-Type': MULTIPART }, body })
    expect(res.json()).to.deep.equal({
      fields: { title: 'hi' },
      all: [['title', 'hi']],
      files: [{ field: 'doc', filename: 'a.txt', type: 'text/plain', data: 'abc' }],
    })
  })

  it('streams file parts to onFile on a streamBody route', async () => {
    const body = multipart([
      { name: 'f', value: 'x'.repeat(50_000), filename: 'big.bin', type: 'application/octet-stream' },
      { name: 'n', value: '1' },
    ])
    const res = await formApp().inject({
      method: 'POST',
      path: '/stream',
      headers: { 'Content-Type': MULTIPART },
      body,
    })
    expect(res.json()).to.deep.equal({ fields: { n: '1' }, sizes: [['big.bin', 50_000]] })
  })

  it('answers 413 over a limit: a file too large, too many fields', async () => {
    const app = formApp()
    const big = await app.inject({
      method: 'POST',
      path: '/form',
      headers: { 'Content-Type': MULTIPART },
      body: multipart([{ name: 'f', value: '123456789', filename: 'x' }]),
    })
    expect([big.status, big.json()]).to.deep.equal([413, { message: 'form body over its limit: maxFileBytes is 8' }])
    const many = await app.inject({
      method: 'POST',
      path: '/form',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'a=1&b=2&c=3&d=4',
    })
    expect([many.status, many.json()]).to.deep.equal([413, { message: 'form body over its limit: maxFields is 3' }])
  })

  it('answers 415 for a body that is not a form, and 400 for a broken multipart body', async () => {
    const app = formApp()
    const json = await app.inject({ method: 'POST', path: '/form', body: { a: 1 } })
    expect([json.status, json.json()]).to.deep.equal([
      415,
      { message: 'expected a form (application/x-www-form-urlencoded or multipart/form-data), got "application/json"' },
    ])
    const broken = await app.inject({
      method: 'POST',
      path: '/form',
      headers: { 'Content-Type': MULTIPART },
      body: `--${BOUNDARY}\r\nContent-Disposition: form-data; name="a"\r\n\r\nunterminated`,
    })
    expect(broken.status).to.equal(400)
    const noBoundary = await app.inject({
      method: 'POST',
      path: '/form',
      headers: { 'Content-Type': 'multipart/form-data' },
      body: 'x',
    })
    expect(noBoundary.status).to.equal(400)
  })
  for (const path of ['/form', '/stream', '/names']) {
    it(`answers 400 for a multipart body that ends inside a file part, on ${path}, and nothing is thrown past it`, async () => {
      const res = await formApp().inject({
        method: 'POST',
        path,
        headers: { 'Content-Type': MULTIPART },
        body: `--${BOUNDARY}\r\nContent-Disposition: form-data; name="doc"; filename="a.txt"\r\n\r\nabc`,
      })
      expect([res.status, res.json()]).to.deep.equal([400, { message: 'invalid form body: Unexpected end of form' }])
    })
  }

  for (const body of ['a=%ZZ', 'a=%Z1', 'x=1&a=%GG&b=2', 'a=%2', 'a=%']) {
    it(`answers 400 at once for a urlencoded body with a bad %-escape: ${body}`, async () => {
      const res = await formApp().inject({
        method: 'POST',
        path: '/form',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body,
      })
      expect([res.status, res.json()]).to.deep.equal([400, { message: 'invalid form body: Malformed urlencoded form' }])
    })
  }

  it('answers 400 for a bad %-escape in a streamed urlencoded body arriving in pieces', async () => {
    const app = formApp()
    app.post('/stream-form', { streamBody: true }, async (req) => (await req.form()).fields)
    const res = await app.inject({
      method: 'POST',
      path: '/stream-form',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Transfer-Encoding': 'chunked' },
      body: '3\r\nx=1\r\n6\r\n&a=%ZZ\r\n4\r\n&b=2\r\n0\r\n\r\n',
    })
    expect(res.status).to.equal(400)
  })
})
