import { expect } from 'chai'
import { z } from 'zod'
import type { StandardSchemaV1 } from '@standard-schema/spec'
import { App } from '../../../core/app/app.js'

const Todo = z.object({ title: z.string().min(1), done: z.boolean().default(false) })

describe('route schemas (Standard Schema)', () => {
  function todoApp(): App {
    const app = new App({ serverHeader: false })
    app.post(
      '/lists/:list/todos',
      {
        schema: {
          body: Todo,
          params: z.object({ list: z.coerce.number().int() }),
          query: z.object({ notify: z.enum(['yes', 'no']).optional() }),
        },
      },
      (req, res) => {
        // Typed from the schemas: these lines fail to compile if the types are lost.
        const title: string = req.data.title
        const done: boolean = req.data.done
        const list: number = req.params.list
        const notify: 'yes' | 'no' | undefined = req.query.notify
        res.status(201).json({ title, done, list, notify: notify ?? null })
      },
    )
    return app
  }

  it("hands the handler the validators' output: defaults filled, params coerced", async () => {
    const res = await todoApp().inject({ method: 'POST', path: '/lists/7/todos?notify=yes', body: { title: 'milk' } })
    expect([res.status, res.json()]).to.deep.equal([201, { title: 'milk', done: false, list: 7, notify: 'yes' }])
  })

  it('answers 400 with the issues, each with its path, for a bad body', async () => {
    const res = await todoApp().inject({ method: 'POST', path: '/lists/7/todos', body: { title: '', done: 'no' } })
    expect(res.status).to.equal(400)
    const body = res.json<{ message: string; issues: { message: string; path: string[] }[] }>()
    expect(body.message).to.equal('invalid request body')
    expect(body.issues.map((i) => i.path)).to.deep.equal([['title'], ['done']])
  })

  it('checks params first, then the query, each answering 400 naming its part', async () => {
    const app = todoApp()
    expect(
      (await app.inject({ method: 'POST', path: '/lists/x/todos', body: { title: 'a' } })).json<{ message: string }>()
        .message,
    ).to.equal('invalid request params')
    expect(
      (await app.inject({ method: 'POST', path: '/lists/1/todos?notify=maybe', body: { title: 'a' } })).json<{
        message: string
      }>().message,
    ).to.equal('invalid request query')
  })

  it('answers 400 for a body that is not JSON, and validates a urlencoded form as an object', async () => {
    const app = todoApp()
    expect(
      (
        await app.inject({
          method: 'POST',
          path: '/lists/1/todos',
          body: '{"title":',
          headers: { 'Content-Type': 'application/json' },
        })
      ).status,
    ).to.equal(400)
    const form = await app.inject({
      method: 'POST',
      path: '/lists/1/todos',
      body: 'title=eggs',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    })
    expect(form.json()).to.deep.equal({ title: 'eggs', done: false, list: 1, notify: null })
  })

  const notJson: [string, string | undefined][] = [
    ['text/plain, which any page may POST cross-origin without a preflight', 'text/plain;charset=UTF-8'],
    ['no Content-Type', undefined],
    ['multipart/form-data', 'multipart/form-data; boundary=x'],
    ['application/jsonx', 'application/jsonx'],
  ]
  for (const [what, type] of notJson) {
    it(`answers 415 for a body sent as ${what}, without running the handler`, async () => {
      let ran = false
      const app = new App({ serverHeader: false }).post('/t', { schema: { body: Todo } }, () => {
        ran = true
        return {}
      })
      const res = await app.inject({
        method: 'POST',
        path: '/t',
        body: '{"title":"pwned"}',
        headers: type === undefined ? {} : { 'Content-Type': type },
      })
      expect([res.status, res.json(), ran]).to.deep.equal([
        415,
        {
          message: `expected JSON (application/json) or a urlencoded form, got ${type === undefined ? 'no Content-Type' : JSON.stringify(type)}`,
        },
        false,
      ])
    })
  }

  it('reads a structured +json type and a JSON type with parameters as JSON', async () => {
    const app = new App().post('/t', { schema: { body: Todo } }, (req) => req.data)
    for (const type of ['application/merge-patch+json', 'Application/JSON; charset=utf-8']) {
      const res = await app.inject({
        method: 'POST',
        path: '/t',
        body: '{"title":"a"}',
        headers: { 'Content-Type': type },
      })
      expect([res.status, res.json()]).to.deep.equal([200, { title: 'a', done: false }])
    }
  })

  it('waits for an asynchronous validator', async () => {
    const later: StandardSchemaV1<unknown, { n: number }> = {
      '~standard': {
        version: 1,
        vendor: 'test',
        validate: async (value) =>
          typeof value === 'object' && value !== null && 'n' in value
            ? { value: { n: Number((value as { n: unknown }).n) } }
            : { issues: [{ message: 'n is missing' }] },
      },
    }
    const app = new App().post('/n', { schema: { body: later } }, (req) => ({ twice: req.data.n * 2 }))
    expect((await app.inject({ method: 'POST', path: '/n', body: { n: 2 } })).json()).to.deep.equal({ twice: 4 })
    expect((await app.inject({ method: 'POST', path: '/n', body: {} })).json()).to.deep.equal({
      message: 'invalid request body',
      issues: [{ message: 'n is missing' }],
    })
  })
})
