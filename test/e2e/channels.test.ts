import { describe, expect, it } from 'vitest'
import { openPage } from '../helpers/chromium'
import { useConsoleSession } from '../helpers/console-session'
import { ChannelsPage } from './pages/channels-page'
import { ConsolePage } from './pages/console-page'

describe('the Channels panel', () => {
  const session = useConsoleSession()

  it('filters per consumer: $priority > 3 lets 4 and 5 through, the other consumer gets all five', async () => {
    const { page, context, errors } = await openPage(session.browser, session.app.url)
    await new ConsolePage(page).waitForShell()
    const channels = new ChannelsPage(page)
    await channels.open()
    await channels.createChannel('alarms')
    const supplier = await channels.connect('push-supplier', 'sensor')
    const filtered = await channels.connect('push-consumer', 'pager')
    const everything = await channels.connect('push-consumer', 'logger')

    await channels.typeConstraint('$priority > 3')
    await channels.attachFilterTo('consumer pager')

    for (let priority = 1; priority <= 5; priority++) {
      await channels.push(supplier, priority)
      // Each push is acknowledged before the next, so the order is the priorities' order.
      await page.waitForFunction(
        ([id, n]) =>
          (document.querySelector(`[data-client="${id}"]`)?.textContent ?? '').includes(
            `supplied ${n}`
          ),
        [supplier, String(priority)] as const
      )
    }
    expect(await channels.received(everything, 5)).toHaveLength(5)
    const pager = await channels.received(filtered, 2)
    expect(pager).toHaveLength(2)
    expect(await channels.receivedCount(filtered)).toBe(2)
    const priorities = await page
      .getByTestId(`received-list-${filtered}`)
      .locator('li')
      .evaluateAll((lis) =>
        lis.map((li) => /"Priority","value":(\d)/.exec(li.textContent ?? '')?.[1] ?? '?')
      )
    expect(priorities.sort()).toEqual(['4', '5'])

    // A broken constraint: the editor marks the column of the error.
    await channels.typeConstraint('$priority > and 3')
    const marker = page.getByTestId('filter-error')
    await marker.waitFor({ timeout: 10_000 })
    expect(await marker.getAttribute('data-column')).toBe('13')
    expect(await marker.textContent()).toMatch(/column 13/)
    expect(await page.getByTestId('filter-attach').isDisabled()).toBe(true)
    await page.screenshot({ path: 'test-results/channels.png', fullPage: false })
    expect(errors).toEqual([])
    await context.close()
  })
})
