import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import type { CommandInput, Frame, Presence, Snapshot } from '@shared/contract'
import {
  ClusterSettingsSchema,
  type BrokerInfo,
  type ClusterInfo,
  type ClusterRunInfo,
  type PartitionInfo
} from '@shared/contract/labs/cluster'
import { useConsole } from '../../store'
import type { Transport } from '../../transport'
import { TransportProvider } from '../../transport-context'
import { ClusterPanel } from './ClusterPanel'

const id = (pair: string): string => pair.repeat(20)
const [A, B, C, D, E, F] = ['a1', 'b2', 'c3', 'd4', 'e5', 'f6'].map(id) as [
  string,
  string,
  string,
  string,
  string,
  string
]
const settings = ClusterSettingsSchema.parse({})

function broker(node: string, port: number, over: Partial<BrokerInfo> = {}): BrokerInfo {
  return {
    id: node,
    port,
    role: 'primary',
    primaryId: null,
    slots: '',
    slotCount: 0,
    state: 'alive',
    replOffset: 1000,
    lagBytes: null,
    leads: [],
    managed: true,
    ...over
  }
}

/** Three primaries (A, B, C) leading two partitions each, and a replica each (D, E, F). */
const brokers: BrokerInfo[] = [
  broker(A, 7000, { slots: '0-5460', slotCount: 5461, leads: [0, 3] }),
  broker(B, 7001, { slots: '5461-10922', slotCount: 5462, leads: [1, 4] }),
  broker(C, 7002, { slots: '10923-16383', slotCount: 5461, leads: [2, 5] }),
  broker(D, 7003, { role: 'replica', primaryId: A, lagBytes: 0, replOffset: 990 }),
  broker(E, 7004, { role: 'replica', primaryId: B, lagBytes: 2048 }),
  broker(F, 7005, { role: 'replica', primaryId: C, lagBytes: 0 })
]
const LEADERS = [A, B, C, A, B, C]
const FOLLOWER: Record<string, string> = { [A]: D, [B]: E, [C]: F }

function partition(p: number, leader: string | null = LEADERS[p] as string): PartitionInfo {
  return {
    id: p,
    key: `flowlab:t:{p${p}}`,
    slot: 100 * p,
    leader,
    replicas: leader ? [FOLLOWER[leader] ?? D] : [],
    logEnd: 300,
    acked: 290,
    consumerLag: 10,
    underReplicated: false,
    leaderless: leader === null
  }
}

const run: ClusterRunInfo = {
  status: 'running',
  settings,
  labId: 'ab12',
  progress: { acked: 1740, failed: 0, total: 5000 },
  counts: {
    produced: 1800,
    acked: 1740,
    failed: 0,
    lostAcked: 0,
    duplicates: 0,
    consumed: 1700,
    gaps: 0,
    outOfOrder: 0,
    consumedThenLost: 0
  },
  rates: { producePerSec: 870, consumePerSec: 850 },
  series: [
    { t: 1, producePerSec: 860, consumePerSec: 840, fault: false },
    { t: 2, producePerSec: 880, consumePerSec: 860, fault: false }
  ],
  verdict: null,
  promise: 'acks=all: no acknowledged message is lost while one replica of its leader lives',
  violations: [],
  violationsTotal: 0,
  failovers: [],
  error: null
}

const down: ClusterInfo = {
  status: 'down',
  managed: null,
  endpoint: null,
  state: null,
  faultsOff: null,
  brokers: [],
  partitions: [],
  timeline: [],
  run: null,
  lastError: null
}

const up: ClusterInfo = {
  ...down,
  status: 'up',
  managed: true,
  endpoint: '127.0.0.1:7000',
  state: 'ok',
  brokers,
  partitions: [0, 1, 2, 3, 4, 5].map((p) => partition(p)),
  run
}

/** A was killed and its replica D took over partitions 0 and 3. */
const afterFailover: ClusterInfo = {
  ...up,
  brokers: brokers.map((b) =>
    b.id === A
      ? { ...b, state: 'dead', leads: [], slots: '', slotCount: 0 }
      : b.id === D
        ? {
            ...b,
            role: 'primary',
            primaryId: null,
            slots: '0-5460',
            slotCount: 5461,
            leads: [0, 3]
          }
        : b
  ),
  partitions: up.partitions.map((p) =>
    p.leader === A ? { ...partition(p.id, D), replicas: [], underReplicated: true } : p
  ),
  timeline: [
    {
      at: 1_000_900,
      kind: 'elected',
      node: D,
      other: A,
      partitions: [0, 3],
      ms: 1830,
      text: 'd4d4d4d4 leads p0 p3'
    },
    { at: 1_000_500, kind: 'fail-detected', node: A, text: 'a1a1a1a1 marked FAIL' },
    {
      at: 999_070,
      kind: 'killed',
      node: A,
      partitions: [0, 3],
      text: 'killed a1a1a1a1 (leader of p0 p3)'
    }
  ],
  run: {
    ...run,
    failovers: [{ failedNode: A, promotedNode: D, ms: 1830, partitions: [0, 3] }]
  }
}

/** acks=1 and the leader died before its replica had the last writes. */
const violated: ClusterInfo = {
  ...afterFailover,
  run: {
    ...afterFailover.run!,
    status: 'done',
    settings: { ...settings, acks: '1' },
    verdict: 'violated',
    promise:
      'acks=1: a message acknowledged by a leader that dies before its replica has it is lost',
    counts: { ...run.counts, lostAcked: 7 },
    violations: [
      { partition: 0, id: 1201, kind: 'lost', cause: 'leader killed 3 ms after the ack' },
      { partition: 3, id: 1207, kind: 'lost', cause: 'replica was 12 entries behind' }
    ],
    violationsTotal: 7
  }
}

/** A transport that records calls and lets the test push the Cluster lab's view. */
function fakeTransport(): Transport & { calls: CommandInput[]; push(info: ClusterInfo): void } {
  let onFrame: ((frame: Frame) => void) | null = null
  let seq = 0
  const calls: CommandInput[] = []
  return {
    calls,
    call: async <T,>(command: CommandInput): Promise<T> => {
      calls.push(command)
      return null as T
    },
    connect: (handlers: { onFrame(frame: Frame): void; onPresence(p: Presence): void }) => {
      onFrame = handlers.onFrame
      handlers.onPresence('live')
      return () => (onFrame = null)
    },
    ack: () => undefined,
    push: (info: ClusterInfo) =>
      onFrame?.({
        seq: ++seq,
        snapshot: { labs: { cluster: info } } as unknown as Snapshot,
        events: [],
        dropped: 0
      })
  }
}

function renderPanel(): ReturnType<typeof fakeTransport> {
  const transport = fakeTransport()
  render(
    <TransportProvider transport={transport}>
      <ClusterPanel />
    </TransportProvider>
  )
  return transport
}

async function click(testId: string): Promise<void> {
  await act(async () => fireEvent.click(screen.getByTestId(testId)))
}

function button(testId: string): HTMLButtonElement {
  return screen.getByTestId(testId) as HTMLButtonElement
}

afterEach(() => {
  cleanup()
  useConsole.setState({ snapshot: null, trace: [], toasts: [] })
})

describe('ClusterPanel', () => {
  it('starts a managed cluster, or connects to an existing one by URL, when down', async () => {
    const transport = renderPanel()
    act(() => transport.push({ ...down, lastError: 'port 7000 is taken' }))
    expect(screen.getByTestId('lab-cluster').dataset.status).toBe('down')
    expect(screen.getByTestId('cluster-status').textContent).toBe('down')
    expect(screen.getByTestId('cluster-error').textContent).toBe('port 7000 is taken')
    expect(button('cluster-start').disabled).toBe(true)
    expect(screen.queryByTestId('cluster-brokers-table')).toBeNull()

    await click('cluster-up')
    fireEvent.change(screen.getByTestId('cluster-primaries'), { target: { value: '4' } })
    fireEvent.change(screen.getByTestId('cluster-replicas'), { target: { value: '2' } })
    await click('cluster-up')
    fireEvent.change(screen.getByTestId('cluster-url'), {
      target: { value: 'redis://:pw@127.0.0.1:7100' }
    })
    expect(screen.getByTestId('cluster-up').textContent).toBe('Connect')
    await click('cluster-up')
    expect(transport.calls).toEqual([
      { type: 'cluster:up', primaries: 3, replicas: 1 },
      { type: 'cluster:up', primaries: 4, replicas: 2 },
      { type: 'cluster:up', url: 'redis://:pw@127.0.0.1:7100' }
    ])
  })

  it('starts a run with every setting of the form, defaults as in the contract', async () => {
    const transport = renderPanel()
    act(() => transport.push({ ...up, run: null }))
    expect(button('cluster-start').disabled).toBe(false)
    expect(button('cluster-stop').disabled).toBe(true)
    fireEvent.change(screen.getByTestId('cluster-acks'), { target: { value: '1' } })
    fireEvent.change(screen.getByTestId('cluster-messages'), { target: { value: '2000' } })
    fireEvent.change(screen.getByTestId('cluster-kill-leader-at'), { target: { value: '500' } })
    fireEvent.click(screen.getByTestId('cluster-consume'))
    await click('cluster-start')
    expect(transport.calls).toHaveLength(1)
    const command = transport.calls[0] as Extract<CommandInput, { type: 'cluster:start' }>
    expect(command.type).toBe('cluster:start')
    expect(command.settings).toEqual(
      ClusterSettingsSchema.parse({ acks: '1', messages: 2000, killLeaderAt: 500, consume: false })
    )
    expect(Object.keys(command.settings).sort()).toEqual(Object.keys(settings).sort())
  })

  it('shows brokers and partitions while a run goes, and sends every fault', async () => {
    const transport = renderPanel()
    act(() => transport.push(up))
    expect(screen.getByTestId('cluster-endpoint').textContent).toBe('127.0.0.1:7000')
    expect(screen.getByTestId('cluster-kind').textContent).toContain('managed')
    expect(screen.getByTestId('lab-cluster').dataset.run).toBe('running')
    expect(button('cluster-start').disabled).toBe(true)
    expect(screen.getByTestId('cluster-progress').textContent).toContain('1740/5000 acked')

    const primary = screen.getByTestId('broker-a1a1a1a1')
    expect(primary.dataset.role).toBe('primary')
    expect(primary.dataset.state).toBe('alive')
    expect(primary.textContent).toContain('0-5460')
    expect(screen.getByTestId('broker-leads-a1a1a1a1').textContent).toBe('p0 p3')
    const replica = screen.getByTestId('broker-d4d4d4d4')
    expect(replica.dataset.role).toBe('replica')
    expect(replica.textContent).toContain('→ a1a1a1a1')
    expect(screen.getByTestId('broker-e5e5e5e5').textContent).toContain('2.0 KiB')
    expect(screen.queryByTestId('broker-failover-a1a1a1a1')).toBeNull()

    expect(screen.getByTestId('partition-0').dataset.leader).toBe(A)
    expect(screen.getByTestId('partition-leader-0').textContent).toBe('a1a1a1a1')
    expect(screen.getByTestId('partition-leader-0').className).not.toContain('leader-changed')
    expect(screen.getByTestId('cluster-verdict').dataset.verdict).toBe('pending')

    await click('cluster-stop')
    await click('cluster-kill-leader')
    await click('partition-kill-leader-4')
    await click('broker-kill-c3c3c3c3')
    await click('broker-pause-b2b2b2b2')
    await click('broker-failover-d4d4d4d4')
    fireEvent.change(screen.getByTestId('cluster-move-partition'), { target: { value: '1' } })
    fireEvent.change(screen.getByTestId('cluster-move-target'), { target: { value: C } })
    await click('cluster-move')
    await click('cluster-add-broker')
    expect(transport.calls).toEqual([
      { type: 'cluster:stop' },
      { type: 'cluster:fault', fault: { kind: 'kill-leader', partition: 0 } },
      { type: 'cluster:fault', fault: { kind: 'kill-leader', partition: 4 } },
      { type: 'cluster:fault', fault: { kind: 'kill-broker', node: C } },
      { type: 'cluster:fault', fault: { kind: 'pause-broker', node: B, ms: 0 } },
      { type: 'cluster:fault', fault: { kind: 'failover', node: D } },
      { type: 'cluster:fault', fault: { kind: 'move-partition', partition: 1, node: C } },
      { type: 'cluster:fault', fault: { kind: 'add-broker' } }
    ])
  })

  it('shows the live run’s settings in the form while it runs (a lesson may have started it)', () => {
    const transport = renderPanel()
    act(() =>
      transport.push({
        ...up,
        run: { ...run, settings: { ...run.settings, acks: '1', messages: 1500, killLeaderAt: 300 } }
      })
    )
    expect((screen.getByTestId('cluster-acks') as HTMLSelectElement).value).toBe('1')
    expect((screen.getByTestId('cluster-messages') as HTMLInputElement).value).toBe('1500')
    expect((screen.getByTestId('cluster-kill-leader-at') as HTMLInputElement).value).toBe('300')
  })

  it('stops the cluster only after a confirmation', async () => {
    const transport = renderPanel()
    act(() => transport.push({ ...up, run: null }))
    await click('cluster-down')
    expect(transport.calls).toEqual([])
    await act(async () => fireEvent.click(screen.getByText('Cancel')))
    await click('cluster-down')
    await click('cluster-down-confirm')
    expect(transport.calls).toEqual([{ type: 'cluster:down' }])
  })

  it('marks the new leader after a failover, and lists the election newest first', async () => {
    const transport = renderPanel()
    act(() => transport.push(up))
    act(() => transport.push(afterFailover))
    const row = screen.getByTestId('partition-0')
    expect(row.dataset.leader).toBe(D)
    expect(screen.getByTestId('partition-leader-0').textContent).toBe('d4d4d4d4')
    expect(screen.getByTestId('partition-leader-0').className).toContain('leader-changed')
    expect(screen.getByTestId('partition-leader-3').className).toContain('leader-changed')
    expect(screen.getByTestId('partition-leader-1').className).not.toContain('leader-changed')
    expect(within(row).getByText('under-replicated')).toBeTruthy()

    const timeline = screen.getByTestId('cluster-timeline')
    const kinds = [...timeline.querySelectorAll('li')].map((li) => li.dataset.kind)
    expect(kinds).toEqual(['elected', 'fail-detected', 'killed'])
    expect(timeline.textContent).toContain('1830 ms')
    const failovers = screen.getByTestId('cluster-failovers')
    expect(failovers.textContent).toContain('a1a1a1a1 → d4d4d4d4 in 1,830 ms')

    const dead = screen.getByTestId('broker-a1a1a1a1')
    expect(dead.dataset.state).toBe('dead')
    expect(screen.getByTestId('broker-d4d4d4d4').dataset.role).toBe('primary')
    expect(screen.queryByTestId('broker-kill-a1a1a1a1')).toBeNull()
    await click('broker-restart-a1a1a1a1')

    act(() =>
      transport.push({
        ...afterFailover,
        brokers: afterFailover.brokers.map((b) => (b.id === B ? { ...b, state: 'paused' } : b))
      })
    )
    expect(screen.getByTestId('broker-b2b2b2b2').dataset.state).toBe('paused')
    await click('broker-resume-b2b2b2b2')
    expect(transport.calls).toEqual([
      { type: 'cluster:fault', fault: { kind: 'restart-broker', node: A } },
      { type: 'cluster:fault', fault: { kind: 'resume-broker', node: B } }
    ])
  })

  it('shows a partition without a leader as leaderless, and its kill leader off', () => {
    const transport = renderPanel()
    act(() => transport.push(up))
    act(() =>
      transport.push({ ...up, partitions: up.partitions.map((p) => partition(p.id, null)) })
    )
    const row = screen.getByTestId('partition-0')
    expect(row.dataset.leader).toBe('')
    expect(within(row).getByText('leaderless')).toBeTruthy()
    expect(screen.getByTestId('partition-leader-0').className).toContain('leader-changed')
    expect(button('cluster-kill-leader').disabled).toBe(true)
    expect(button('partition-kill-leader-0').disabled).toBe(true)
  })

  it('names every violation with its cause, and how many are not listed', () => {
    const transport = renderPanel()
    act(() => transport.push(violated))
    const verdict = screen.getByTestId('cluster-verdict')
    expect(verdict.dataset.verdict).toBe('violated')
    expect(verdict.textContent).toContain(violated.run!.promise)
    expect(verdict.textContent).toContain('7 lost')
    const rows = within(screen.getByTestId('cluster-violations')).getAllByRole('row').slice(1)
    expect(rows.map((r) => r.textContent)).toEqual([
      'p0#1201lostleader killed 3 ms after the ack',
      'p3#1207lostreplica was 12 entries behind'
    ])
    expect(verdict.textContent).toContain('2 of 7 listed')
    expect(button('cluster-start').disabled).toBe(false)

    act(() =>
      transport.push({
        ...violated,
        run: { ...violated.run!, verdict: 'held', violations: [], violationsTotal: 0 }
      })
    )
    expect(screen.getByTestId('cluster-verdict').dataset.verdict).toBe('held')
  })

  it('turns process faults off on an existing cluster, with the reason, but keeps failover', () => {
    const transport = renderPanel()
    const reason = 'an existing cluster: Flowlab did not start its processes'
    act(() =>
      transport.push({
        ...up,
        managed: false,
        state: 'fail',
        faultsOff: reason,
        brokers: brokers.map((b) => ({ ...b, managed: false }))
      })
    )
    expect(screen.getByTestId('cluster-kind').textContent).toContain('existing')
    expect(screen.getByTestId('cluster-state').textContent).toContain('cluster_state fail')
    expect(screen.getByTestId('cluster-state').className).toBe('bad-text')
    expect(screen.getByTestId('cluster-faults-off').textContent).toBe(reason)
    for (const testId of [
      'broker-kill-a1a1a1a1',
      'broker-pause-a1a1a1a1',
      'cluster-kill-leader',
      'partition-kill-leader-2',
      'cluster-add-broker'
    ]) {
      expect(button(testId).disabled).toBe(true)
      expect(button(testId).title).toBe(reason)
    }
    expect(button('broker-failover-d4d4d4d4').disabled).toBe(false)
    expect(button('cluster-move').disabled).toBe(false)
    expect(screen.getByTestId('cluster-down').textContent).toBe('Disconnect')
  })
})
