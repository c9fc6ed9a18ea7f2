import { expect } from 'chai'
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib'
import { App } from '../../../core/app/app.js'
import { negotiate } from '../../../core/app/compression.js'

const BIG = JSON.stringify({ items: Array.from({ length: 200 }, (_, i) => ({ id: i, title: `todo ${i}` })) })

function compressingApp(): App {
  const app = new App({ serverHeader: false })
  app.compression()
  app.get('/big', (_req, res) => res.header('Content-Type', 'application/json').send(BIG))
  app.get('/small', (_req, res) => res.json({ ok: true }))
  app.get('/png', (_req, res) => res.header('Content-Type', 'image/png').send(Buffer.alloc(5000)))
  app.get('/stream', async (_req, res) => {
    res.header('Content-Type', 'text/event-stream')
    for (let i = 0; i < 3; i++) await res.write(`data: ${'x'.repeat(100)} ${i}\n\n`)
    await res.end()
  })
  return app
}

describe('app.compression()', () => {
  it('negotiates by q-value, the server order breaking ties, * for the rest, q=0 refusing', () => {
    const offered = ['br', 'gzip', 'deflate'] as const
    expect(negotiate('gzip, deflate, br', offered)).to.equal('br')
    expect(negotiate('gzip;q=1, br;q=0.5', offered)).to.equal('gzip')
    expect(negotiate('br;q=0, *;q=0.1', offered)).to.equal('gzip')
    expect(negotiate('identity', offered)).to.equal(undefined)
    expect(negotiate('gzip;q=0', offered)).to.equal(undefined)
    expect(negotiate(undefined, offered)).to.equal(undefined)
  })

  it('compresses a large body with the negotiated coding, with Vary and the encoded length', async () => {
    const app = compressingApp()
    const br = await app.inject({ path: '/big', headers: { 'Accept-Encoding': 'gzip, br' } })
    expect([br.headers['content-encoding'], br.headers['vary'], Number(br.headers['content-length'])]).to.deep.equal([
      'br',
      'Accept-Encoding',
      br.body.length,
    ])
    expect(brotliDecompressSync(br.body).toString()).to.equal(BIG)
    const gz = await app.inject({ path: '/big', headers: { 'Accept-Encoding': 'gzip' } })
    expect(gunzipSync(gz.body).toString()).to.equal(BIG)
    const deflate = await app.inject({ path: '/big', headers: { 'Accept-Encoding': 'deflate' } })
    expect(inflateSync(deflate.body).toString()).to.equal(BIG)
    const none = await app.inject({ path: '/big' })
    expect([none.headers['content-encoding'], none.headers['vary'], none.text()]).to.deep.equal([
      undefined,
      'Accept-Encoding',
      BIG,
    ])
  })

  it('sends small bodies and compressed types as they are', async () => {
    const app = compressingApp()
    const small = await app.inject({ path: '/small', headers: { 'Accept-Encoding': 'gzip' } })
    expect([small.headers['content-encoding'], small.text()]).to.deep.equal([undefined, '{"ok":true}'])
    const png = await app.inject({ path: '/png', headers: { 'Accept-Encoding': 'gzip' } })
    expect([png.headers['content-encoding'], png.headers['vary'], png.body.length]).to.deep.equal([
      undefined,
      undefined,
      5000,
    ])
  })

  it('compresses a streamed body piece by piece', async () => {
    const res = await compressingApp().inject({ path: '/stream', headers: { 'Accept-Encoding': 'gzip' } })
    expect([res.headers['content-encoding'], res.headers['transfer-encoding']]).to.deep.equal(['gzip', 'chunked'])
    const text = gunzipSync(res.body).toString()
    expect(text.split('\n\n').filter((s) => s !== '')).to.have.length(3)
  })

  it('leaves responses alone when off', async () => {
    const app = new App().get('/big', (_req, res) => res.header('Content-Type', 'application/json').send(BIG))
    const res = await app.inject({ path: '/big', headers: { 'Accept-Encoding': 'gzip' } })
    expect([res.headers['content-encoding'], res.headers['vary']]).to.deep.equal([undefined, undefined])
  })

  it('refuses bad options with ERR_OPTION_INVALID', () => {
    for (const bad of [{ threshold: -1 }, { codings: ['zstd'] }, { brotliQuality: 12 }, { leve: 1 }]) {
      expect(() => new App().compression(bad as never))
        .to.throw()
        .with.property('code', 'ERR_OPTION_INVALID')
    }
  })
  it('weakens a strong ETag on a coded body, keeps it on the identity one, and leaves a weak one', async () => {
    const app = new App({ serverHeader: false })
    app.compression()
    app.get('/strong', (_req, res) =>
      res.header('ETag', '"doc-v1"').header('Content-Type', 'application/json').send(BIG),
    )
    app.get('/weak', (_req, res) =>
      res.header('ETag', 'W/"doc-v1"').header('Content-Type', 'application/json').send(BIG),
    )
    app.get('/sse', async (_req, res) => {
      res.header('ETag', '"s1"').header('Content-Type', 'text/event-stream')
      await res.write('data: x\n\n')
      await res.end()
    })
    const etag = async (path: string, coding?: string) =>
      (await app.inject({ path, headers: coding === undefined ? {} : { 'Accept-Encoding': coding } })).headers['etag']
    expect(await etag('/strong')).to.equal('"doc-v1"')
    expect(await etag('/strong', 'gzip')).to.equal('W/"doc-v1"')
    expect(await etag('/strong', 'br')).to.equal('W/"doc-v1"')
    expect(await etag('/weak', 'gzip')).to.equal('W/"doc-v1"')
    expect(await etag('/sse', 'gzip')).to.equal('W/"s1"')
  })

  it('leaves a 206 and a Cache-Control: no-transform response uncoded (RFC 9110 §7.7)', async () => {
    const app = new App({ serverHeader: false })
    app.compression()
    app.get('/part', (_req, res) =>
      res
        .status(206)
        .header('Content-Range', `bytes 0-999/${BIG.length}`)
        .header('Content-Type', 'application/json')
        .send(BIG.slice(0, 1000)),
    )
    app.get('/exact', (_req, res) =>
      res.header('Cache-Control', 'public, No-Transform').header('Content-Type', 'application/json').send(BIG),
    )
    for (const path of ['/part', '/exact']) {
      const res = await app.inject({ path, headers: { 'Accept-Encoding': 'gzip, br' } })
      expect([res.headers['content-encoding'], res.text()]).to.deep.equal([
        undefined,
        path === '/part' ? BIG.slice(0, 1000) : BIG,
      ])
    }
  })

  it('sends a body whose length the handler declared as it is, with that length', async () => {
    const app = new App({ serverHeader: false })
    app.compression()
    app.get('/relay', (_req, res) =>
      res.header('Content-Length', String(BIG.length)).header('Content-Type', 'application/json').send(BIG),
    )
    const res = await app.inject({ path: '/relay', headers: { 'Accept-Encoding': 'gzip' } })
    expect([res.status, res.headers['content-encoding'], res.headers['content-length'], res.text()]).to.deep.equal([
      200,
      undefined,
      String(BIG.length),
      BIG,
    ])
  })

  it('answers a failure after the body was being coded with plain JSON and one Vary', async () => {
    const app = new App({ serverHeader: false })
    app.compression()
    app.onError(() => undefined)
    app.get('/fail', (_req, res) => {
      res.header('Content-Type', 'application/json').header('ETag', '"v1"')
      res.appendHeader('Vary', 'accept-encoding')
      res.header('Content-Encoding', 'gzip').header('Content-Disposition', 'attachment; filename=r.csv.gz')
      throw new Error('db down')
    })
    const res = await app.inject({ path: '/fail', headers: { 'Accept-Encoding': 'gzip' } })
    expect([
      res.status,
      res.headers['content-encoding'],
      res.headers['content-disposition'],
      res.headers['etag'],
      res.headers['vary'],
      res.json(),
    ]).to.deep.equal([500, undefined, undefined, undefined, 'accept-encoding', { message: 'Internal Server Error' }])
  })
})
