import type { Page } from 'playwright-core'

const WAIT_MS = 30_000

/** The Dispatch panel as a student uses it. */
export class DispatchPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByTestId('nav-dispatch').click()
    await this.page.getByTestId('dispatch-panel').waitFor({ timeout: WAIT_MS })
  }

  /** Unfolds the settings form (it folds to one line once a run has started). */
  async unfold(): Promise<void> {
    const form = this.page.locator('form.settings')
    if ((await form.getAttribute('data-folded')) === 'true') {
      await this.page.getByTestId('dispatch-settings-toggle').click()
    }
  }

  async fill(
    settings: Partial<Record<'messages' | 'rate' | 'workers' | 'work-ms' | 'timeout', number>>
  ): Promise<void> {
    await this.unfold()
    for (const [name, value] of Object.entries(settings)) {
      await this.page.getByTestId(`dispatch-${name}`).fill(String(value))
    }
  }

  async endpoint(value: string): Promise<void> {
    await this.unfold()
    await this.page.getByTestId('dispatch-endpoint').fill(value)
  }

  async semantics(value: string): Promise<void> {
    await this.unfold()
    await this.page.getByTestId('dispatch-semantics').selectOption(value)
  }

  async start(): Promise<void> {
    await this.page.getByTestId('dispatch-start').click()
    await this.waitForStatus(['running', 'settling', 'done'])
  }

  async waitForStatus(statuses: string[]): Promise<void> {
    await this.page.waitForFunction(
      (want) =>
        want.includes(
          document.querySelector('[data-testid="dispatch-panel"]')?.getAttribute('data-status') ??
            ''
        ),
      statuses,
      { timeout: WAIT_MS }
    )
  }

  /** Presses "Crash" on the first worker that is alive; resolves with its id. */
  async crashAWorker(): Promise<string> {
    const row = this.page.locator('[data-worker-row]:not([data-state="crashed"])').first()
    const id = (await row.getAttribute('data-worker-row')) ?? ''
    await this.page.getByTestId(`crash-${id}`).click()
    return id
  }

  async waitForWorkerState(id: string, state: string): Promise<void> {
    await this.page
      .locator(`[data-worker-row="${id}"][data-state="${state}"]`)
      .waitFor({ timeout: WAIT_MS })
  }

  /** Re-sends as the Topology shows them ("N re-sent"). */
  async resends(): Promise<number> {
    const text = (await this.page.getByTestId('dispatch-topology').textContent()) ?? ''
    return Number(/(\d+) re-sent/.exec(text)?.[1] ?? 0)
  }

  async verdict(): Promise<string> {
    const banner = this.page.getByTestId('dispatch-verdict')
    await this.page.waitForFunction(
      () => {
        const v = document
          .querySelector('[data-testid="dispatch-verdict"]')
          ?.getAttribute('data-verdict')
        return v === 'held' || v === 'violated'
      },
      undefined,
      { timeout: 60_000 }
    )
    return (await banner.getAttribute('data-verdict')) ?? ''
  }
}
