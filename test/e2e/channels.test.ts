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
      .evaluateAll((lis) => lis.map((li) => li.getAttribute('data-priority') ?? '?'))
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

  it('a structured event with typed data and Priority through an OR_OP admin with a mapping filter arrives as the model says; per-proxy MaxEventsPerConsumer applies', async () => {
    const { page, context, errors } = await openPage(session.browser, session.app.url)
    await page.setViewportSize({ width: 1600, height: 1000 })
    await new ConsolePage(page).waitForShell()
    const channels = new ChannelsPage(page)
    await channels.open()
    await channels.createChannel('mapped')
    const orAdmin = await channels.newAdmin('consumer', 'OR_OP')
    const supplier = await channels.connect('push-supplier', 'probe')
    const pager = await channels.connect('push-consumer', 'oncall', orAdmin)

    // OR_OP: an event passes the admin's filter or the proxy's.
    await channels.typeConstraint('$severity > 3')
    await channels.attachFilterTo(`ConsumerAdmin ${orAdmin}`)
    await channels.typeConstraint("$host == 'edge1'")
    await channels.attachFilterTo('consumer oncall')
    // Priority mapping for this consumer only: severity ≥ 5 → 100, else the event's own.
    await page.getByTestId('mapping-target').selectOption({
      label:
        (await page
          .getByTestId('mapping-target')
          .locator('option', { hasText: 'consumer oncall' })
          .textContent()) ?? ''
    })
    await page.getByTestId('mapping-constraint-0').fill('$severity >= 5')
    await page.getByTestId('mapping-value-0').fill('100')
    await page.getByTestId('mapping-set').click()
    await page.getByText(/priority map #\d+/).waitFor({ timeout: 20_000 })

    await page.getByTestId(`suspend-${pager}`).click()
    await page.getByTestId(`resume-${pager}`).waitFor({ timeout: 20_000 })
    await channels.setProxyQoS(pager, 'MaxEventsPerConsumer', '2')
    await channels.setProxyQoS(pager, 'DiscardPolicy', 'PriorityOrder')

    const events = [
      { name: 'e1', priority: 1, severity: 2, host: 'core' }, // neither filter: filtered out
      { name: 'e2', priority: 2, severity: 4, host: 'core' }, // admin filter; priority 2
      { name: 'e3', priority: 3, severity: 1, host: 'edge1' }, // proxy filter; priority 3
      { name: 'e4', priority: 1, severity: 5, host: 'core' } // admin filter; mapped to 100
    ]
    for (const [i, e] of events.entries()) {
      await channels.pushEvent(supplier, e)
      await page.waitForFunction(
        ([id, n]) =>
          (document.querySelector(`[data-client="${id}"]`)?.textContent ?? '').includes(
            `supplied ${n}`
          ),
        [supplier, String(i + 1)] as const
      )
    }
    // MaxEventsPerConsumer=2 with DiscardPolicy=PriorityOrder: e2 (lowest priority) was dropped.
    const card = page.locator(`[data-client="${pager}"]`)
    await card.getByText(/queue 2\/2/).waitFor({ timeout: 20_000 })
    expect(await card.textContent()).toMatch(/1 filtered out/)
    expect(await card.textContent()).toMatch(/1 discarded/)
    await page.screenshot({ path: 'test-results/channels-model.png', fullPage: false })

    await page.getByTestId(`resume-${pager}`).click()
    // PriorityOrder: e4 (mapped to 100) before e3 (3); the header keeps the supplier's Priority.
    expect(await channels.received(pager, 2)).toEqual(['e4', 'e3'])
    const priorities = await page
      .getByTestId(`received-list-${pager}`)
      .locator('li')
      .evaluateAll((lis) => lis.map((li) => li.getAttribute('data-priority')))
    expect(priorities).toEqual(['3', '1'])
    const e4 = page.getByTestId(`received-list-${pager}`).locator('li[data-event-name="e4"]')
    expect(await e4.locator('.kv').textContent()).toBe('severity5hostcore')
    await page.screenshot({ path: 'test-results/channels-received.png', fullPage: false })
    expect(errors).toEqual([])
    await context.close()
  })
})
