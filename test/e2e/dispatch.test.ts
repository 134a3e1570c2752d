import { describe, expect, it } from 'vitest'
import { freePort } from '../../src/main/engine/redis/free-port'
import { openPage } from '../helpers/chromium'
import { useConsoleSession } from '../helpers/console-session'
import { ConsolePage } from './pages/console-page'
import { DispatchPage } from './pages/dispatch-page'

describe('the Dispatch panel', () => {
  const session = useConsoleSession()

  it('runs, crashes a worker on a button, shows the crash, the re-sends and the verdict', async () => {
    const { page, context, errors } = await openPage(session.browser, session.app.url)
    await new ConsolePage(page).waitForShell()
    const dispatch = new DispatchPage(page)
    await dispatch.open()
    await dispatch.semantics('at-least-once')
    await dispatch.endpoint(`tcp://127.0.0.1:${await freePort()}`)
    // Slow enough that a worker is holding messages when it is crashed.
    await dispatch.fill({ messages: 300, rate: 100, workers: 3, 'work-ms': 20, timeout: 400 })
    await dispatch.start()

    const crashed = await dispatch.crashAWorker()
    await dispatch.waitForWorkerState(crashed, 'crashed')
    await page.waitForFunction(
      () =>
        /([1-9]\d*) re-sent/.test(
          document.querySelector('[data-testid="dispatch-topology"]')?.textContent ?? ''
        ),
      undefined,
      { timeout: 30_000 }
    )
    expect(await dispatch.resends()).toBeGreaterThan(0)

    expect(await dispatch.verdict()).toBe('held')
    expect(await page.getByTestId('dispatch-verdict').textContent()).toContain('at least once')
    await page.screenshot({ path: 'test-results/dispatch.png', fullPage: true })
    expect(errors).toEqual([])
    await context.close()
  })
})
