import { afterAll, beforeAll } from 'vitest'
import type { Browser } from 'playwright-core'
import { launchChromium } from './chromium'
import { startConsole, type ConsoleProcess } from './console-process'

export interface ConsoleSession {
  /** The running `flowlab console` (valid inside tests). */
  readonly app: ConsoleProcess
  /** Headless Chromium (valid inside tests). */
  readonly browser: Browser
}

/**
 * Registers beforeAll/afterAll that start `flowlab console` and Chromium for a describe block and
 * stop both (browser first, then the console and everything it started).
 */
export function useConsoleSession(opts: Parameters<typeof startConsole>[0] = {}): ConsoleSession {
  let app: ConsoleProcess | undefined
  let chromium: { browser: Browser; close(): Promise<void> } | undefined
  beforeAll(async () => {
    app = await startConsole(opts)
    chromium = await launchChromium()
  })
  afterAll(async () => {
    await chromium?.close()
    await app?.stop()
  })
  return {
    get app(): ConsoleProcess {
      if (!app) throw new Error('the console is not started (use inside a test)')
      return app
    },
    get browser(): Browser {
      if (!chromium) throw new Error('Chromium is not started (use inside a test)')
      return chromium.browser
    }
  }
}
