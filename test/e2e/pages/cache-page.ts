import type { Page } from 'playwright-core'

const WAIT_MS = 30_000

/** The Cache panel as a student uses it. */
export class CachePage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByTestId('nav-cache').click()
    await this.page.locator('[data-testid="lab-cache"][data-status]').waitFor({ timeout: WAIT_MS })
  }

  async strategy(value: string): Promise<void> {
    await this.page.getByTestId('cache-strategy').selectOption(value)
  }

  async fill(
    settings: Partial<Record<'ops' | 'keys' | 'clients' | 'rate' | 'read-ratio', number>>
  ): Promise<void> {
    for (const [name, value] of Object.entries(settings)) {
      await this.page.getByTestId(`cache-${name}`).fill(String(value))
    }
  }

  /** Redis AOF for the run (in the form's "Strategy, database and faults at start" part). */
  async persistence(value: 'on' | 'off'): Promise<void> {
    const more = this.page.locator('details.cache-more')
    if ((await more.getAttribute('open')) === null) await more.locator('summary').click()
    await this.page.getByTestId('cache-persistence').selectOption(value)
  }

  async start(): Promise<void> {
    await this.page.getByTestId('cache-start').click()
    await this.waitForStatus(['running', 'flushing', 'done'])
  }

  async stop(): Promise<void> {
    await this.page.getByTestId('cache-stop').click()
  }

  async crashCache(): Promise<void> {
    await this.page.getByTestId('cache-crash').click()
  }

  async waitForStatus(statuses: string[]): Promise<void> {
    await this.page.waitForFunction(
      (want) =>
        want.includes(
          document.querySelector('[data-testid="lab-cache"]')?.getAttribute('data-status') ?? ''
        ),
      statuses,
      { timeout: WAIT_MS }
    )
  }

  /** Resolves once the "N dirty" count satisfies `test` (checked in the page). */
  async waitForDirty(op: 'atLeast' | 'zero', n = 0): Promise<number> {
    await this.page.waitForFunction(
      ([kind, min]) => {
        const text = document.querySelector('[data-testid="cache-dirty-count"]')?.textContent
        const dirty = Number(text ?? NaN)
        return kind === 'zero' ? dirty === 0 : dirty >= min
      },
      [op, n] as const,
      { timeout: WAIT_MS }
    )
    return this.dirty()
  }

  async dirty(): Promise<number> {
    return Number(await this.page.getByTestId('cache-dirty-count').textContent())
  }

  /** Rows of the entries table shown as dirty, and as differing from the database. */
  async rows(): Promise<{ dirty: number; differs: number }> {
    const table = this.page.getByTestId('cache-entries')
    return {
      dirty: await table.locator('[data-dirty="true"]').count(),
      differs: await table.locator('[data-differs="true"]').count()
    }
  }

  async verdict(): Promise<string> {
    await this.page.waitForFunction(
      () => {
        const v = document
          .querySelector('[data-testid="cache-verdict"]')
          ?.getAttribute('data-verdict')
        return v === 'held' || v === 'violated'
      },
      undefined,
      { timeout: 60_000 }
    )
    return (await this.page.getByTestId('cache-verdict').getAttribute('data-verdict')) ?? ''
  }
}
