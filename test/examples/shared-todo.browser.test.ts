import { expect } from 'chai'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import puppeteer, { type Browser, type Page } from 'puppeteer-core'
import { createTodoApp } from '../../examples/shared-todo.js'
import type { HttpServer } from '../../core/server/http-server.js'

// The page's globals, for the functions that run in it (the project compiles without the DOM's types).
declare const document: {
  body: { dataset: Record<string, string | undefined> }
  querySelectorAll(selector: string): Iterable<{ textContent: string | null }>
}

const CHROMIUM = '/usr/bin/chromium'
const hasChromium = existsSync(CHROMIUM)

if (!hasChromium)
  console.log(`shared to-do browser spec: no Chromium at ${CHROMIUM}, so it does not run (apt-get install chromium)`)

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
    let browser: Browser
    let server: HttpServer
    let profile: string

    before(async () => {
      profile = mkdtempSync(join(tmpdir(), 'gatehouse-chromium-'))
      browser = await puppeteer.launch({
        executablePath: CHROMIUM,
        headless: true,
        userDataDir: profile,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      })
      server = await createTodoApp().listen({ port: 0, host: '127.0.0.1' })
    })

    after(async () => {
      await browser?.close()
      await server?.close()
      rmSync(profile, { recursive: true, force: true })
    })

    it('shows what is typed in one page in the other, without a reload, and back', async () => {
      // Two contexts: two cookie jars, so two client sessions.
      const [a, b] = await Promise.all([browser.createBrowserContext(), browser.createBrowserContext()])
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
