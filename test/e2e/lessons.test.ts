import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openPage } from '../helpers/chromium'
import { useConsoleSession } from '../helpers/console-session'
import { tempDir } from '../helpers/temp-dir'
import { ConsolePage } from './pages/console-page'
import { LessonsPage } from './pages/lessons-page'

// Acceptance 4 of the lessons: the naive exactly-once lesson runs on the real Dispatch lab from
// the console and ends with the verdict beside the expectation and the explanation; Compare runs
// naive and atomic one after the other and shows both verdicts. A finished run exports to one file
// that re-opens read-only with its diagram (acceptance 5).
describe('the Lessons view', () => {
  const session = useConsoleSession()
  const dir = tempDir('flowlab-lessons-e2e-')
  afterAll(() => dir.remove())

  it('runs the naive exactly-once lesson: verdict beside the expectation, then the explanation', async () => {
    const { page, context, errors } = await openPage(session.browser, session.app.url)
    await page.setViewportSize({ width: 1500, height: 1000 })
    await new ConsolePage(page).waitForShell()
    const lessons = new LessonsPage(page)
    await lessons.open()
    await lessons.openLesson('dispatch/naive-crash')
    expect(await lessons.text('lesson-text')).toContain('Check, work, mark')
    await lessons.run()
    // The lab's own panel runs live under the lesson.
    await page.getByTestId('lesson-lab').getByTestId('dispatch-panel').waitFor()
    await lessons.waitForOutcome()
    expect(await page.getByTestId('lesson-outcome').getAttribute('data-passed')).toBe('true')
    expect(await lessons.text('lesson-expected-verdict')).toBe('violated')
    expect(await lessons.text('lesson-verdict')).toContain('violated')
    expect(await lessons.text('lesson-explanation')).toContain('did the work again')
    expect(await lessons.text('lesson-next')).toContain('dispatch/atomic-crash')
    await page.getByTestId('lesson-result').screenshot({ path: 'test-results/lesson-naive.png' })

    // Export the run, re-open it read-only with its diagram; a cut file gets a clear error.
    const saved = join(dir.path, 'naive.flowlab-run.json')
    await lessons.exportRun(saved)
    const text = readFileSync(saved, 'utf8')
    await lessons.openExport(saved)
    const replay = page.getByTestId('replay')
    await replay.getByTestId('dispatch-replay').getByTestId('flow-diagram').waitFor()
    expect(await replay.getAttribute('data-id')).toBe('dispatch/naive-crash')
    expect(await replay.getByTestId('lesson-verdict').textContent()).toContain('violated')
    expect(await replay.locator('[data-flow-epoch]').count()).toBeGreaterThan(0)
    await replay.getByTestId('replay-violations').locator('button').first().click()
    await replay.getByTestId('flow-story').waitFor()
    await page.screenshot({ path: 'test-results/lesson-replay.png', fullPage: true })
    const cut = join(dir.path, 'cut.flowlab-run.json')
    writeFileSync(cut, text.slice(0, Math.floor(text.length / 3)))
    await lessons.openExport(cut)
    expect(await lessons.text('replay-error')).toMatch(/cut\.flowlab-run\.json: .*cut short/)

    // A student changes a setting and runs again: the console says the outcome differs, and why.
    await lessons.openLesson('dispatch/naive-crash')
    await lessons.changeSettings({ semantics: 'exactly-once-atomic' })
    await lessons.run()
    await page
      .locator('[data-testid="lesson-outcome"][data-passed="false"]')
      .waitFor({ timeout: 80_000 })
    expect(await lessons.text('lesson-changed')).toContain('You changed the settings')
    expect(await lessons.text('lesson-differences')).toContain(
      'verdict: expected violated, got held'
    )
    await page.screenshot({ path: 'test-results/lesson-rerun.png' })
    expect(errors).toEqual([])
    await context.close()
  })

  it('compares naive and atomic under the same crashes: both verdicts side by side', async () => {
    const { page, context, errors } = await openPage(session.browser, session.app.url)
    await page.setViewportSize({ width: 1500, height: 1000 })
    await new ConsolePage(page).waitForShell()
    const lessons = new LessonsPage(page)
    await lessons.openCompare()
    await lessons.compare('dispatch/naive-crash', 'dispatch/atomic-crash')
    expect(await lessons.compareVerdicts()).toEqual(['violated', 'held'])
    expect(await lessons.text('compare-a')).toContain('crash-after-work-before-mark')
    // Each column redraws its run's message flow from the run's recording.
    await page.getByTestId('compare-a-diagram').waitFor({ timeout: 30_000 })
    await page.getByTestId('compare-b-diagram').waitFor({ timeout: 30_000 })
    await page.screenshot({ path: 'test-results/lesson-compare.png', fullPage: true })
    expect(errors).toEqual([])
    await context.close()
  }, 200_000)
})
