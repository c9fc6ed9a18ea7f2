import { expect } from 'chai'
import sinon from 'sinon'
import type { App } from '../../../core/app/app.js'
import { testApp } from '../../helpers/test-app.js'
import { serveInput } from '../../helpers/serve-input.js'
import { maskDates } from '../../helpers/mask-dates.js'
import { jsonResponse, response, textResponse } from '../../helpers/expected-response.js'

const INTERNAL = jsonResponse('500 Internal Server Error', { message: 'Internal Server Error' })
const GET = 'GET /hello HTTP/1.1\r\nHost: a\r\n\r\n'

describe('Session: errors', () => {
  let onError: sinon.SinonSpy
  let app: App
  const thrown = new Error('handler failed')

  beforeEach(() => {
    onError = sinon.spy()
    app = testApp().onError(onError)
    app.get('/throws', () => {
      throw thrown
    })
    app.get('/rejects', async () => {
      await Promise.resolve()
      throw thrown
    })
    app.get('/throws-mid-stream', async (_req, res) => {
      await res.write('part')
      throw thrown
    })
  })

  describe('a failing handler', () => {
    it('answers 500 {"message":"Internal Server Error"} without the stack when it throws', async () => {
      const t = await serveInput(app, { input: ['GET /throws HTTP/1.1\r\nHost: a\r\n\r\n'] })
      expect(maskDates(t.outputText('latin1'))).to.equal(INTERNAL)
    })

    it('answers 500 when it rejects', async () => {
      const t = await serveInput(app, { input: ['GET /rejects HTTP/1.1\r\nHost: a\r\n\r\n'] })
      expect(maskDates(t.outputText('latin1'))).to.equal(INTERNAL)
    })

    it('passes the error and the request to app.onError', async () => {
      await serveInput(app, { input: ['GET /rejects HTTP/1.1\r\nHost: a\r\n\r\n'] })
      expect(onError.callCount).to.equal(1)
      expect(onError.firstCall.args[0]).to.equal(thrown)
      expect(onError.firstCall.args[1]).to.have.property('path', '/rejects')
    })

    it('keeps the connection usable after a whole 500: a second pipelined request is answered', async () => {
      const t = await serveInput(app, {
        input: ['GET /throws HTTP/1.1\r\nHost: a\r\n\r\n' + GET + 'GET /rejects HTTP/1.1\r\nHost: a\r\n\r\n' + GET],
      })
      expect(maskDates(t.outputText('latin1'))).to.equal(
        INTERNAL + textResponse('hello') + INTERNAL + textResponse('hello'),
      )
    })

    it('lets app.onError send its own answer', async () => {
      const custom = testApp().onError((_err, _req, res) => res?.status(503).json({ message: 'try later' }))
      custom.get('/throws', () => {
        throw thrown
      })
      const t = await serveInput(custom, { input: ['GET /throws HTTP/1.1\r\nHost: a\r\n\r\n'] })
      expect(maskDates(t.outputText('latin1'))).to.equal(
        jsonResponse('503 Service Unavailable', { message: 'try later' }),
      )
    })

    it('closes the connection when it throws after part of the response was sent', async () => {
      const t = await serveInput(app, { input: ['GET /throws-mid-stream HTTP/1.1\r\nHost: a\r\n\r\n' + GET] })
      expect(maskDates(t.outputText('latin1'))).to.equal(
        response('200 OK', ['Transfer-Encoding: chunked'], '4\r\npart\r\n'),
      )
      expect(t.isOpen).to.equal(false)
      expect(onError.callCount).to.equal(1)
      expect(onError.firstCall.args[0]).to.equal(thrown)
    })
  })

  describe('ordinary ends of a connection never reach app.onError', () => {
    it('EOF before any request', async () => {
      const t = await serveInput(app, { input: [] })
      expect(t.output.length).to.equal(0)
      expect(onError.callCount).to.equal(0)
    })

    it('EOF in the middle of a header block', async () => {
      const t = await serveInput(app, { input: ['GET /hello HTTP/1.1\r\nHo'] })
      expect(t.output.length).to.equal(0)
      expect(onError.callCount).to.equal(0)
    })

    it('EOF in the middle of a body', async () => {
      const t = await serveInput(app, { input: ['POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc'] })
      expect(t.output.length).to.equal(0)
      expect(onError.callCount).to.equal(0)
    })

    it('a reset in the middle of a chunked body (resetAfterInputBytes)', async () => {
      const input = 'POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n'
      const t = await serveInput(app, { input: [input], resetAfterInputBytes: input.length - 6 })
      expect(t.output.length).to.equal(0)
      expect(t.isOpen).to.equal(false)
      expect(onError.callCount).to.equal(0)
    })

    it('a reset just after a whole request arrived, before its answer could be written', async () => {
      const t = await serveInput(app, { input: [GET + GET], resetAfterInputBytes: GET.length + 5 })
      expect(t.output.length).to.equal(0)
      expect(onError.callCount).to.equal(0)
    })

    it('a broken pipe (EPIPE) while writing', async () => {
      const t = await serveInput(app, { input: [GET], failWriteAfterBytes: 10 })
      expect(t.lastError).to.have.property('code', 'EPIPE')
      expect(t.isOpen).to.equal(false)
      expect(onError.callCount).to.equal(0)
    })

    it('a write of 0 bytes', async () => {
      const t = await serveInput(app, { input: [GET], zeroWriteAfterBytes: 10 })
      expect(t.isOpen).to.equal(false)
      expect(onError.callCount).to.equal(0)
    })
  })
})
