import { expect } from 'chai'
import type { Page } from 'puppeteer-core'
import { createTodoApp } from '../../examples/shared-todo.js'
import type { HttpServer } from '../../core/server/http-server.js'
import { chromiumAvailable, launchChromium, type LaunchedChromium } from '../helpers/chromium.js'

// The page's globals, for the functions that run in it (the project compiles without the DOM's types).
declare const document: {
  body: { dataset: Record<string, string | undefined> }
  querySelectorAll(selector: string): Iterable<{ textContent: string | null }>
}

const hasChromium = chromiumAvailable('shared to-do browser spec')

/** The items a page shows. */
function items(page: Page): Promise<string[]> {
  return page.$$eval('#todos li', (lis) => lis.map((li) => li.textContent ?? ''))
}

async function waitForItem(page: Page, text: string): Promise<void> {
  await page.waitForFunction(
    (wanted: string) => [...document.querySelectorAll('#todos li')].some((li) => li.textContent === wanted),
    { timeout: 20_000 },
    text,
  )
}

if (hasChromium) {
  describe('examples/shared-todo in headless Chromium: two pages, one list', function () {
    this.timeout(60_000)
    let chromium: LaunchedChromium
    let server: HttpServer

    before(async () => {
      chromium = await launchChromium()
      server = await createTodoApp().listen({ port: 0, host: '127.0.0.1' })
    })

    after(async () => {
      await chromium?.close()
      await server?.close()
    })

    it('shows what is typed in one page in the other, without a reload, and back', async () => {
      // Two contexts: two cookie jars, so two client sessions.
      const [a, b] = await Promise.all([
        chromium.browser.createBrowserContext(),
        chromium.browser.createBrowserContext(),
      ])
      const [pageA, pageB] = await Promise.all([a.newPage(), b.newPage()])
      for (const page of [pageA, pageB]) {
        await page.goto(`http://127.0.0.1:${server.port}/`)
        await page.waitForFunction(() => document.body.dataset.ready === 'true', { timeout: 20_000 })
      }
      await pageA.type('#text', 'buy milk')
      await pageA.keyboard.press('Enter')
      await waitForItem(pageB, 'buy milk')
      await pageB.type('#text', 'call the plumber')
      await pageB.keyboard.press('Enter')
      await waitForItem(pageA, 'call the plumber')
      expect(await items(pageA)).to.deep.equal(['buy milk', 'call the plumber'])
      expect(await items(pageB)).to.deep.equal(['buy milk', 'call the plumber'])
      await Promise.all([a.close(), b.close()])
    })
  })
}
