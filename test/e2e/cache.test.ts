import { describe, expect, it } from 'vitest'
import { openPage } from '../helpers/chromium'
import { useConsoleSession } from '../helpers/console-session'
import { CachePage } from './pages/cache-page'
import { ConsolePage } from './pages/console-page'

// Acceptance 3 of the Cache lab: write-back, a cache crash from the button, the dirty entries
// gone, the diff column, and the verdict listing the lost writes.
describe('the Cache panel', () => {
  const session = useConsoleSession()

  it('write-back: Crash cache drops the dirty entries and the verdict lists the lost writes', async () => {
    const { page, context, errors } = await openPage(session.browser, session.app.url)
    await page.setViewportSize({ width: 1600, height: 1000 })
    await new ConsolePage(page).waitForShell()
    const cache = new CachePage(page)
    await cache.open()
    await cache.strategy('write-back')
    // Many keys at a slow rate: the dirty entries pile up and few are rewritten after the crash.
    await cache.fill({ ops: 100_000, keys: 200, clients: 2, rate: 40, 'read-ratio': 0.5 })
    await cache.persistence('off')
    await cache.start()

    const before = await cache.waitForDirty('atLeast', 5)
    expect(before).toBeGreaterThanOrEqual(5)
    // Dirty entries are newer in the cache than in the database: the diff column says so.
    const shown = await cache.rows()
    expect(shown.dirty).toBeGreaterThan(0)
    expect(shown.differs).toBeGreaterThanOrEqual(shown.dirty)
    await page.screenshot({ path: 'test-results/cache-before-crash.png' })

    await cache.crashCache()
    await page.waitForFunction(
      () =>
        /^[1-9]/.test(
          document.querySelector('[data-testid="count-cache-crashes"]')?.textContent ?? ''
        ),
      undefined,
      { timeout: 30_000 }
    )
    await cache.stop()
    expect(await cache.verdict()).toBe('violated')
    expect(await cache.dirty()).toBe(0)

    const verdict = page.getByTestId('cache-verdict')
    expect(
      await verdict.locator('[data-guarantee="no-lost-writes"]').getAttribute('data-held')
    ).toBe('false')
    const lost = verdict.locator('[data-kind="lost-write"]')
    expect(await lost.getAttribute('data-cause')).toBe('cache-crash-dirty')
    const listed = (await page.getByTestId('violations-lost-write').textContent()) ?? ''
    expect(listed).toMatch(/k\d+ v\d+/)
    await page.screenshot({ path: 'test-results/cache.png', fullPage: true })
    expect(errors).toEqual([])
    await context.close()
  })
})
