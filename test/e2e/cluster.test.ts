import { describe, expect, it } from 'vitest'
import { openPage } from '../helpers/chromium'
import { useConsoleSession } from '../helpers/console-session'
import { ClusterPage } from './pages/cluster-page'
import { ConsolePage } from './pages/console-page'

// Acceptance 3 of the Cluster lab: start a managed cluster from the panel, produce, press
// "Kill leader", see partition 0's leader change in the table and the election in the timeline,
// read the verdict; then stop the cluster.
describe('the Cluster panel', () => {
  const session = useConsoleSession()

  it('Kill leader: partition 0 gets a new leader, the timeline shows the election, the verdict holds', async () => {
    const { page, context, errors } = await openPage(session.browser, session.app.url)
    await page.setViewportSize({ width: 1600, height: 1000 })
    await new ConsolePage(page).waitForShell()
    const cluster = new ClusterPage(page)
    await cluster.open()
    await cluster.startCluster()
    // A slow, long run: it is still producing when the leader is killed, however loaded the machine.
    await cluster.startRun({ messages: 200_000, ratePerSec: 400, acks: 'all' })
    await page.waitForFunction(
      () =>
        Number(
          document.querySelector('[data-testid="partition-0"]')?.getAttribute('data-leader')?.length
        ) > 0,
      undefined,
      { timeout: 30_000 }
    )
    const before = await cluster.leaderOf(0)
    await cluster.killLeader(0)
    const after = await cluster.waitForLeaderChange(0, before)
    expect(after).not.toBe(before)
    await cluster.waitForTimelineKind('elected')
    expect(await cluster.timelineKinds()).toEqual(expect.arrayContaining(['killed', 'elected']))
    await page.screenshot({ path: 'test-results/cluster-failover.png' })
    await cluster.stopRun()
    expect(await cluster.verdict()).toBe('held')
    await page.screenshot({ path: 'test-results/cluster.png', fullPage: true })
    await cluster.stopCluster()
    expect(errors).toEqual([])
    await context.close()
  })
})
