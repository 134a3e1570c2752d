import type { Page } from 'playwright-core'

const WAIT_MS = 20_000

/** The Channels panel as a student uses it. */
export class ChannelsPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByTestId('nav-channels').click()
    await this.page.getByTestId('channels-panel').waitFor({ timeout: WAIT_MS })
  }

  async createChannel(label: string): Promise<void> {
    await this.page.getByTestId('channel-label').fill(label)
    await this.page.getByTestId('channel-create').click()
    await this.page.locator('.tab', { hasText: label }).waitFor({ timeout: WAIT_MS })
  }

  /** Connects a lab client and resolves with its id once its card shows. */
  async connect(role: string, label: string, adminId = 0): Promise<string> {
    await this.page.getByTestId('connect-role').selectOption(role)
    await this.page.getByTestId('connect-admin').selectOption(String(adminId))
    await this.page.getByTestId('connect-label').fill(label)
    await this.page.getByTestId('connect-client').click()
    const card = this.page.locator(`[data-label="${label}"]`)
    await card.waitFor({ timeout: WAIT_MS })
    return (await card.getAttribute('data-client')) ?? ''
  }

  async push(supplierId: string, priority: number): Promise<void> {
    await this.page.getByTestId(`push-priority-${supplierId}`).fill(String(priority))
    await this.page.getByTestId(`push-${supplierId}`).click()
  }

  /** Fills the structured-event editor (name, Priority, the default severity/host fields) and pushes. */
  async pushEvent(
    supplierId: string,
    e: { name: string; priority: number; severity: number; host: string }
  ): Promise<void> {
    await this.page.getByTestId(`push-name-${supplierId}`).fill(e.name)
    await this.page.getByTestId(`push-priority-${supplierId}`).fill(String(e.priority))
    await this.page.getByTestId(`push-data-${supplierId}-value-0`).fill(String(e.severity))
    await this.page.getByTestId(`push-data-${supplierId}-value-1`).fill(e.host)
    await this.page.getByTestId(`push-${supplierId}`).click()
  }

  /** Creates an admin; resolves with its id once its row shows. */
  async newAdmin(side: 'consumer' | 'supplier', operator: 'AND_OP' | 'OR_OP'): Promise<number> {
    const rows = this.page.locator(`[data-testid^="admin-${side}-"]`)
    const before = await rows.count()
    await this.page.getByTestId('new-admin-side').selectOption(side)
    await this.page.getByTestId('new-admin-operator').selectOption(operator)
    await this.page.getByTestId('new-admin').click()
    await this.page.waitForFunction(
      ([sel, n]) => document.querySelectorAll(sel).length > Number(n),
      [`[data-testid^="admin-${side}-"]`, String(before)] as const,
      { timeout: WAIT_MS }
    )
    const id = await rows.last().getAttribute('data-testid')
    return Number(id?.split('-').pop())
  }

  /** Sets one QoS property on a lab client's proxy (opens its proxy settings). */
  async setProxyQoS(clientId: string, name: string, value: string): Promise<void> {
    const card = this.page.locator(`[data-client="${clientId}"]`)
    const details = card.locator('details.proxy-settings')
    if ((await details.getAttribute('open')) === null) await details.locator('summary').click()
    await this.page.getByTestId(`proxy-qos-${clientId}-name`).selectOption(name)
    const input = this.page.getByTestId(`proxy-qos-${clientId}-value`)
    if ((await input.evaluate((el) => el.tagName)) === 'SELECT') await input.selectOption(value)
    else await input.fill(value)
    await this.page.getByTestId(`proxy-qos-${clientId}-set`).click()
    await card
      .getByText(new RegExp(`${name}=${value === '0' ? '∞' : value}`))
      .waitFor({ timeout: WAIT_MS })
  }

  async typeConstraint(text: string): Promise<void> {
    await this.page.getByTestId('filter-constraint').fill(text)
  }

  async attachFilterTo(targetLabelPart: string): Promise<void> {
    const options = await this.page.getByTestId('filter-target').locator('option').allTextContents()
    const index = options.findIndex((o) => o.includes(targetLabelPart))
    if (index < 0)
      throw new Error(`no filter target like ${targetLabelPart}: ${options.join(' | ')}`)
    await this.page.getByTestId('filter-target').selectOption(String(index))
    await this.page.getByTestId('filter-attach').click()
    await this.page.getByTestId('filters-table').waitFor({ timeout: WAIT_MS })
  }

  /** Waits until the consumer has received `count` events; returns their names, oldest first. */
  async received(consumerId: string, count: number): Promise<string[]> {
    await this.page.waitForFunction(
      ([id, n]) =>
        Number(document.querySelector(`[data-testid="received-${id}"]`)?.textContent) >= Number(n),
      [consumerId, String(count)] as const,
      { timeout: WAIT_MS }
    )
    const names = await this.page
      .getByTestId(`received-list-${consumerId}`)
      .locator('li')
      .evaluateAll((lis) => lis.map((li) => li.getAttribute('data-event-name') ?? ''))
    return names.reverse()
  }

  async receivedCount(consumerId: string): Promise<number> {
    return Number(await this.page.getByTestId(`received-${consumerId}`).textContent())
  }
}
