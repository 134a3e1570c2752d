import type { Page } from 'playwright-core'
import type { ClusterSettingsInput } from '@shared/contract/labs/cluster'

const WAIT_MS = 30_000
/** Forming a managed cluster starts P×(R+1) redis-servers and waits for cluster_state:ok. */
const CLUSTER_UP_MS = 90_000
/** A run of thousands of messages with a failover, then the check of every partition. */
const VERDICT_MS = 120_000

type Setting = keyof ClusterSettingsInput

/** The settings form's testid for each setting. */
const FIELD: Record<Setting, string> = {
  partitions: 'cluster-partitions',
  messages: 'cluster-messages',
  producers: 'cluster-producers',
  inFlight: 'cluster-in-flight',
  acks: 'cluster-acks',
  waitTimeoutMs: 'cluster-wait-timeout-ms',
  partitioner: 'cluster-partitioner',
  keys: 'cluster-keys',
  ratePerSec: 'cluster-rate',
  retries: 'cluster-retries',
  consume: 'cluster-consume',
  seed: 'cluster-seed',
  killLeaderAt: 'cluster-kill-leader-at',
  killPartition: 'cluster-kill-partition',
  followerLagMs: 'cluster-follower-lag-ms',
  minInSync: 'cluster-min-in-sync',
  pauseBrokerAt: 'cluster-pause-broker-at',
  pauseMs: 'cluster-pause-ms'
}
/** Settings in the form's folded part ("Producers, consumers and faults at start"). */
const FOLDED = new Set<Setting>([
  'inFlight',
  'waitTimeoutMs',
  'keys',
  'retries',
  'consume',
  'seed',
  'killPartition',
  'followerLagMs',
  'minInSync',
  'pauseBrokerAt',
  'pauseMs'
])

/** The Cluster panel as a student uses it. */
export class ClusterPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByTestId('nav-cluster').click()
    await this.page
      .locator('[data-testid="lab-cluster"][data-status]')
      .waitFor({ timeout: WAIT_MS })
  }

  /** Start a managed cluster (or connect to `url`) and wait until it is up. */
  async startCluster(
    options: { primaries?: number; replicas?: number; url?: string } = {}
  ): Promise<void> {
    if (options.primaries !== undefined) {
      await this.page.getByTestId('cluster-primaries').fill(String(options.primaries))
    }
    if (options.replicas !== undefined) {
      await this.page.getByTestId('cluster-replicas').fill(String(options.replicas))
    }
    if (options.url !== undefined) await this.page.getByTestId('cluster-url').fill(options.url)
    await this.page.getByTestId('cluster-up').click()
    await this.waitForStatus(['up'], CLUSTER_UP_MS)
  }

  /** Stop (or disconnect from) the cluster, confirming, and wait until it is down. */
  async stopCluster(): Promise<void> {
    await this.page.getByTestId('cluster-down').click()
    await this.page.getByTestId('cluster-down-confirm').click()
    await this.waitForStatus(['down'], WAIT_MS)
  }

  /** Fill the given settings (the rest keep the contract's defaults), start, wait until it runs. */
  async startRun(settings: Partial<ClusterSettingsInput> = {}): Promise<void> {
    const entries = Object.entries(settings) as [Setting, ClusterSettingsInput[Setting]][]
    if (entries.some(([name]) => FOLDED.has(name))) {
      const more = this.page.locator('details.cluster-more')
      if ((await more.getAttribute('open')) === null) await more.locator('summary').click()
    }
    for (const [name, value] of entries) {
      const field = this.page.getByTestId(FIELD[name])
      if (name === 'acks' || name === 'partitioner') await field.selectOption(String(value))
      else if (name === 'consume') await field.setChecked(value === true)
      else await field.fill(String(value))
    }
    const before = await this.page.getByTestId('lab-cluster').getAttribute('data-run')
    await this.page.getByTestId('cluster-start').click()
    // After an earlier run the panel already says done: then wait for the new run to be live.
    await this.waitForRun(
      before === 'idle'
        ? ['running', 'checking', 'done', 'stopped', 'failed']
        : ['running', 'checking', 'failed']
    )
  }

  async stopRun(): Promise<void> {
    await this.page.getByTestId('cluster-stop').click()
  }

  /** Press "Kill leader": the prominent one for partition 0, else the partition's row button. */
  async killLeader(partition = 0): Promise<void> {
    const testId = partition === 0 ? 'cluster-kill-leader' : `partition-kill-leader-${partition}`
    await this.page.getByTestId(testId).click()
  }

  /** The full node id leading `partition` now ('' while it has none). */
  async leaderOf(partition: number): Promise<string> {
    const row = this.page.getByTestId(`partition-${partition}`)
    await row.waitFor({ timeout: WAIT_MS })
    return (await row.getAttribute('data-leader')) ?? ''
  }

  /** Wait until `partition` has a leader other than `from`; returns the new leader's full id. */
  async waitForLeaderChange(partition: number, from: string, timeoutMs = WAIT_MS): Promise<string> {
    await this.page.waitForFunction(
      ([p, old]) => {
        const leader = document
          .querySelector(`[data-testid="partition-${p}"]`)
          ?.getAttribute('data-leader')
        return leader !== undefined && leader !== null && leader !== '' && leader !== old
      },
      [partition, from] as const,
      { timeout: timeoutMs }
    )
    return this.leaderOf(partition)
  }

  /** The election timeline's event kinds, newest first. */
  async timelineKinds(): Promise<string[]> {
    return this.page
      .locator('[data-testid="cluster-timeline"] li')
      .evaluateAll((items) => items.map((li) => li.getAttribute('data-kind') ?? ''))
  }

  /** Wait until the timeline shows an event of `kind`. */
  async waitForTimelineKind(kind: string, timeoutMs = WAIT_MS): Promise<void> {
    await this.page
      .locator(`[data-testid="cluster-timeline"] li[data-kind="${kind}"]`)
      .first()
      .waitFor({ timeout: timeoutMs })
  }

  /** A broker's role and state by its short id (8 hex digits). */
  async broker(shortId: string): Promise<{ role: string; state: string }> {
    const row = this.page.getByTestId(`broker-${shortId}`)
    return {
      role: (await row.getAttribute('data-role')) ?? '',
      state: (await row.getAttribute('data-state')) ?? ''
    }
  }

  /** The run's final verdict ('held' | 'violated'); throws with the panel's words if the run failed. */
  async verdict(timeoutMs = VERDICT_MS): Promise<string> {
    await this.page.waitForFunction(
      () => {
        const el = document.querySelector('[data-testid="cluster-verdict"]')
        const v = el?.getAttribute('data-verdict')
        return v === 'held' || v === 'violated' || el?.getAttribute('data-run-status') === 'failed'
      },
      undefined,
      { timeout: timeoutMs }
    )
    const verdict = this.page.getByTestId('cluster-verdict')
    if ((await verdict.getAttribute('data-run-status')) === 'failed') {
      throw new Error(`the cluster run failed: ${(await verdict.textContent()) ?? ''}`)
    }
    return (await verdict.getAttribute('data-verdict')) ?? ''
  }

  async waitForStatus(statuses: string[], timeoutMs = WAIT_MS): Promise<void> {
    await this.waitForAttribute('data-status', statuses, timeoutMs)
  }

  async waitForRun(statuses: string[], timeoutMs = WAIT_MS): Promise<void> {
    await this.waitForAttribute('data-run', statuses, timeoutMs)
  }

  private async waitForAttribute(name: string, want: string[], timeoutMs: number): Promise<void> {
    await this.page.waitForFunction(
      ([attribute, values]) =>
        values.includes(
          document.querySelector('[data-testid="lab-cluster"]')?.getAttribute(attribute) ?? ''
        ),
      [name, want] as const,
      { timeout: timeoutMs }
    )
  }
}
