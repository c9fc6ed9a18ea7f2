import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import puppeteer, { type Browser } from 'puppeteer-core'

/** Where Debian's `chromium` package puts the browser (`.ci/run` installs it). */
export const CHROMIUM = '/usr/bin/chromium'

/**
 * Whether the browser specs can run. When they cannot, says so in one line, naming the spec, so a
 * run without Chromium reports what it left out instead of failing or passing silently.
 * @param spec - the spec's name, for the line
 * @returns true when Chromium is installed
 */
export function chromiumAvailable(spec: string): boolean {
  if (existsSync(CHROMIUM)) return true
  console.log(`${spec}: no Chromium at ${CHROMIUM}, so it does not run (apt-get install chromium)`)
  return false
}

/** A headless Chromium with a profile of its own, and how to close both. */
export interface LaunchedChromium {
  readonly browser: Browser
  close(): Promise<void>
}

/**
 * Starts headless Chromium with a fresh profile folder (no cache or cookies from an earlier run),
 * without the background traffic a desktop profile makes.
 * @returns the browser, and a close that also removes the profile
 */
export async function launchChromium(): Promise<LaunchedChromium> {
  const profile = mkdtempSync(join(tmpdir(), 'gatehouse-chromium-'))
  const browser = await puppeteer.launch({
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
  return {
    browser,
    close: async () => {
      await browser.close()
      rmSync(profile, { recursive: true, force: true })
    },
  }
}
