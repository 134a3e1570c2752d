import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/**
 * Debian's Chromium, headless, with no network chatter. Playwright gives every launch a fresh,
 * temporary profile (it refuses a --user-data-dir argument), so no state leaks between tests.
 */
export async function launchChromium(): Promise<{ browser: Browser; close(): Promise<void> }> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic'
    ]
  })
  return {
    browser,
    close: async () => {
      await browser.close()
    }
  }
}

/**
 * A page that records console errors and page errors; `assertClean()` fails the test if any
 * appeared (Lichtblick's rule: an error nobody asserted on is a bug).
 */
export async function openPage(
  browser: Browser,
  url: string
): Promise<{ page: Page; context: BrowserContext; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  const page = await context.newPage()
  const errors: string[] = []
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text())
  })
  page.on('pageerror', (err) => errors.push(err.message))
  await page.goto(url)
  return { page, context, errors }
}
