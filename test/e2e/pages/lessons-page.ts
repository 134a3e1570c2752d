import type { Page } from 'playwright-core'

/** A whole lesson runs real worker processes: on a loaded machine it takes a while. */
const RUN_MS = 80_000

/** The Lessons and Compare views as a student uses them. */
export class LessonsPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByTestId('nav-lessons').click()
    await this.page.getByTestId('lessons').waitFor({ timeout: 30_000 })
  }

  async openLesson(id: string): Promise<void> {
    await this.page.getByTestId(`lesson-open-${id}`).click()
    await this.page.locator(`[data-testid="lesson"][data-id="${id}"]`).waitFor()
  }

  /** Opens the settings and changes some of them (the rest as the file has them). */
  async changeSettings(change: Record<string, unknown>): Promise<void> {
    const details = this.page.locator('details.lesson-settings')
    if ((await details.getAttribute('open')) === null) await details.locator('summary').click()
    const box = this.page.getByTestId('lesson-settings')
    const current = JSON.parse(await box.inputValue()) as Record<string, unknown>
    await box.fill(JSON.stringify({ ...current, ...change }, null, 2))
  }

  async run(): Promise<void> {
    await this.page.getByTestId('lesson-run').click()
  }

  /** Waits for the outcome panel of the finished run. */
  async waitForOutcome(): Promise<void> {
    await this.page.getByTestId('lesson-outcome').waitFor({ timeout: RUN_MS })
  }

  async text(testId: string): Promise<string> {
    return (await this.page.getByTestId(testId).textContent()) ?? ''
  }

  /** Presses Export run and saves the download to `path`. */
  async exportRun(path: string): Promise<void> {
    const download = this.page.waitForEvent('download')
    await this.page.getByTestId('lesson-export').click()
    await (await download).saveAs(path)
  }

  /** Picks an exported run with "Open an exported run…". */
  async openExport(path: string): Promise<void> {
    await this.page.getByTestId('replay-file').setInputFiles(path)
  }

  async openCompare(): Promise<void> {
    await this.page.getByTestId('nav-compare').click()
    await this.page.getByTestId('compare').waitFor({ timeout: 30_000 })
  }

  async compare(a: string, b: string): Promise<void> {
    await this.page.getByTestId('compare-pick-A').selectOption(a)
    await this.page.getByTestId('compare-pick-B').selectOption(b)
    await this.page.getByTestId('compare-run').click()
  }

  /** Waits until both columns show a verdict; returns them. */
  async compareVerdicts(): Promise<[string, string]> {
    const verdict = (side: string): Promise<string | null> =>
      this.page.getByTestId(`compare-${side}`).getAttribute('data-verdict')
    await this.page.waitForFunction(
      () =>
        ['a', 'b'].every((side) =>
          ['held', 'violated'].includes(
            document
              .querySelector(`[data-testid="compare-${side}"]`)
              ?.getAttribute('data-verdict') ?? ''
          )
        ),
      undefined,
      { timeout: RUN_MS * 2 }
    )
    return [(await verdict('a')) ?? '', (await verdict('b')) ?? '']
  }
}
