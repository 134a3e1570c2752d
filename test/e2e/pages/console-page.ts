import { expect } from 'vitest'
import type { Page } from 'playwright-core'

const WAIT_MS = 20_000

/** The console as a person sees it: the shell, the nav, the Redis panel. */
export class ConsolePage {
  constructor(readonly page: Page) {}

  async waitForShell(): Promise<void> {
    await this.page.getByTestId('app-shell').waitFor({ timeout: WAIT_MS })
  }

  async goto(
    section: 'dispatch' | 'channels' | 'cache' | 'cluster' | 'redis' | 'trace'
  ): Promise<void> {
    await this.page.getByTestId(`nav-${section}`).click()
  }

  /** Waits until the Redis panel's status pill reads `status`. */
  async expectRedis(status: string): Promise<void> {
    await this.page.waitForFunction(
      (want) =>
        document.querySelector('[data-testid="redis-status"]')?.textContent?.trim() === want,
      status,
      { timeout: WAIT_MS }
    )
    expect((await this.page.getByTestId('redis-status').textContent())?.trim()).toBe(status)
  }

  async expectLive(): Promise<void> {
    await this.page.waitForFunction(
      () =>
        document.querySelector('[data-testid="connection-state"]')?.textContent?.trim() === 'Live',
      undefined,
      { timeout: WAIT_MS }
    )
  }

  async killRedis(): Promise<void> {
    await this.page.getByTestId('kill-redis').click()
  }

  async restartRedis(): Promise<void> {
    await this.page.getByTestId('restart-redis').click()
  }
}
