import { describe, expect, it } from 'vitest'
import { freePort } from '../../src/main/engine/redis/free-port'
import { openPage } from '../helpers/chromium'
import { useConsoleSession } from '../helpers/console-session'
import { ConsolePage } from './pages/console-page'
import { DispatchPage } from './pages/dispatch-page'

// The message-flow diagram: one epoch's whole story after "Drop next 1" on the request link, the
// per-epoch table selecting it, and the live view on one 1600×1000 screen.
describe('the Dispatch message-flow diagram', () => {
  const session = useConsoleSession()

  it('draws a dropped request, its re-send, delivery and reply; the table selects the epoch', async () => {
    const { page, context, errors } = await openPage(session.browser, session.app.url)
    await page.setViewportSize({ width: 1600, height: 1000 })
    await new ConsolePage(page).waitForShell()
    const dispatch = new DispatchPage(page)
    await dispatch.open()
    await dispatch.semantics('at-least-once')
    await dispatch.endpoint(`tcp://127.0.0.1:${await freePort()}`)
    await dispatch.fill({ messages: 400, rate: 10, workers: 2, 'work-ms': 0, timeout: 400 })
    await dispatch.start()
    await dispatch.waitForStatus(['running'])

    // Acceptance 4: verdict, diagram and fault buttons visible without scrolling.
    for (const id of ['dispatch-verdict', 'flow-diagram', 'faults-to-worker']) {
      const box = await page.getByTestId(id).boundingBox()
      expect(box, id).not.toBeNull()
      expect((box?.y ?? 0) + Math.min(box?.height ?? 0, 60), id).toBeLessThanOrEqual(1000)
      expect(box?.y ?? -1, id).toBeGreaterThanOrEqual(0)
    }
    await page.screenshot({ path: 'test-results/dispatch-live.png' })

    await page.getByTestId('faults-to-worker').locator('input[type="number"]').nth(1).fill('1')
    await page.getByTestId('drop-next-to-worker').click()
    // The epoch whose first request the link dropped, then re-sent, delivered, replied and acked.
    const story = page.locator(
      '[data-flow-epoch]:has([data-kind="drop-request"]):has([data-kind="resend"][data-fate="delivered"]):has([data-kind="reply"][data-fate="acked"])'
    )
    await story.first().waitFor({ timeout: 30_000 })
    const epoch = Number(await story.first().getAttribute('data-flow-epoch'))
    expect(epoch).toBeGreaterThan(0)
    const group = page.locator(`[data-flow-epoch="${epoch}"]`)
    expect(await group.locator('[data-kind="send"][data-fate="dropped"]').count()).toBe(1)
    expect(await group.locator('[data-kind="check"]').count()).toBeGreaterThan(0)

    // Select it from the per-epoch table: the diagram highlights it and lists its events.
    await page.getByTestId('flow-pause').click()
    await page.locator('input[aria-label="Go to epoch"]').fill(String(epoch))
    await page.locator('input[aria-label="Go to epoch"]').press('Enter')
    await page.locator(`[data-epoch-row="${epoch}"]`).click()
    await page
      .locator(`[data-flow-epoch="${epoch}"][data-selected="true"]`)
      .waitFor({ timeout: 10_000 })
    // Selecting from the table paused the diagram on a window that holds the epoch.
    expect(await page.getByTestId('flow-diagram').getAttribute('data-paused')).toBe('true')
    const listed = page.getByTestId('flow-story')
    await listed.waitFor({ timeout: 10_000 })
    const text = (await listed.textContent()) ?? ''
    expect(text).toContain(`Epoch #${epoch}`)
    expect(text).toContain('request dropped by the link')
    expect(text).toContain('re-sent')
    expect(text).toContain('ack received')
    await page.screenshot({ path: 'test-results/dispatch-flow.png' })
    await page.getByTestId('dispatch-stop').click()
    await dispatch.waitForStatus(['stopped', 'done'])
    expect(errors).toEqual([])
    await context.close()
  })
})
