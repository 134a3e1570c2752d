import { describe, expect, it } from 'vitest'
import { freePort } from '../../src/main/engine/redis/free-port'
import { openPage } from '../helpers/chromium'
import { useConsoleSession } from '../helpers/console-session'
import { ConsolePage } from './pages/console-page'
import { DispatchPage } from './pages/dispatch-page'

// No silent stalls: a run that cannot progress says so, in plain words, with the fix.
describe('the Dispatch panel warns of stalls', () => {
  const session = useConsoleSession()

  it('an ack timeout below the work time is warned of within 3 s of Start', async () => {
    const { page, context, errors } = await openPage(session.browser, session.app.url)
    await new ConsolePage(page).waitForShell()
    const dispatch = new DispatchPage(page)
    await dispatch.open()
    await dispatch.semantics('exactly-once-atomic')
    await dispatch.endpoint(`tcp://127.0.0.1:${await freePort()}`)
    await dispatch.fill({ messages: 200, workers: 2, 'work-ms': 100, timeout: 50 })
    await dispatch.start()
    const warning = page.locator('[data-problem="dispatch:timeout-below-work"]')
    await warning.waitFor({ timeout: 3_000 })
    expect(await warning.textContent()).toContain('ack timeout (50 ms)')
    await page.getByTestId('dispatch-stop').click()
    await dispatch.waitForStatus(['stopped', 'done'])
    await warning.waitFor({ state: 'detached', timeout: 10_000 })
    expect(errors).toEqual([])
    await context.close()
  })

  it('crashing every worker shows "no worker alive" with a button that restarts them', async () => {
    const { page, context, errors } = await openPage(session.browser, session.app.url)
    await new ConsolePage(page).waitForShell()
    const dispatch = new DispatchPage(page)
    await dispatch.open()
    await dispatch.semantics('at-least-once')
    await dispatch.endpoint(`tcp://127.0.0.1:${await freePort()}`)
    await dispatch.fill({ messages: 5000, rate: 50, workers: 2, 'work-ms': 0, timeout: 500 })
    await dispatch.start()
    // Crash every worker (a SIGKILL each): none restarts on its own.
    for (const id of ['w1', 'w2']) {
      await page.locator(`[data-worker-row="${id}"]`).waitFor({ timeout: 30_000 })
      await page.getByTestId(`crash-${id}`).click()
      await dispatch.waitForWorkerState(id, 'crashed')
    }
    const alert = page.getByTestId('no-worker-alive')
    await alert.waitFor({ timeout: 30_000 })
    expect(await alert.textContent()).toContain('No worker alive')
    await page.locator('[data-problem="dispatch:no-worker"]').waitFor({ timeout: 10_000 })
    await page.getByTestId('restart-workers').click()
    await alert.waitFor({ state: 'detached', timeout: 30_000 })
    await page.locator('[data-worker-row]:not([data-state="crashed"])').first().waitFor({
      timeout: 30_000
    })
    await page.getByTestId('dispatch-stop').click()
    await dispatch.waitForStatus(['stopped', 'done'])
    expect(errors).toEqual([])
    await context.close()
  })
})
