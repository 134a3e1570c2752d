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
  async connect(role: string, label: string): Promise<string> {
    await this.page.getByTestId('connect-role').selectOption(role)
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
