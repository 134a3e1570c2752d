import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import type { CommandInput, Frame, Presence, Snapshot } from '@shared/contract'
import {
  CACHE_CAUSE_TEXT,
  CacheSettingsSchema,
  type CacheEntryInfo,
  type CacheInfo
} from '@shared/contract/labs/cache'
import { useConsole } from '../../store'
import type { Transport } from '../../transport'
import { TransportProvider } from '../../transport-context'
import { CachePanel } from './CachePanel'

const settings = CacheSettingsSchema.parse({ strategy: 'write-back', ops: 3000, keys: 4 })

function entry(key: string, version: number, dbVersion: number, dirty: boolean): CacheEntryInfo {
  return {
    key,
    cache: { value: `v${version}`, version, ttlMs: null, dirty },
    db: { value: `v${dbVersion}`, version: dbVersion },
    differs: version !== dbVersion
  }
}

/** A write-back run in full swing: two dirty entries ahead of the database. */
const running: CacheInfo = {
  status: 'running',
  settings,
  labId: 'ab12',
  dbPath: '/tmp/cache.sqlite',
  progress: { done: 1200, total: 3000 },
  counts: {
    reads: 960,
    writes: 240,
    hits: 900,
    misses: 60,
    staleReads: 0,
    lostWrites: 0,
    failedWrites: 0,
    failedReads: 0,
    dbReads: 60,
    dbWrites: 10,
    secondWrites: 0
  },
  hitRatio: 0.9375,
  latency: { readP50Ms: 0.4, readP99Ms: 6.1, writeP50Ms: 0.5, writeP99Ms: 1.2 },
  entries: [entry('k1', 7, 0, true), entry('k2', 3, 3, false), entry('k3', 5, 2, true)],
  entriesTotal: 4,
  dirty: 2,
  queue: null,
  faults: {
    cacheCrashes: 0,
    dbSlowPeriods: 0,
    dbDownPeriods: 0,
    evictions: 0,
    expirations: 0,
    flusherCrashes: 0
  },
  db: { down: false, slowExtraMs: 0 },
  secondWriterP: 0,
  series: [
    {
      t: 1,
      hitRatio: 0.8,
      readP50Ms: 0.5,
      readP99Ms: 6,
      writeP99Ms: 1,
      opsPerSec: 600,
      fault: false
    },
    {
      t: 2,
      hitRatio: null,
      readP50Ms: null,
      readP99Ms: null,
      writeP99Ms: 1,
      opsPerSec: 600,
      fault: true
    }
  ],
  guarantees: [
    { name: 'no-stale-reads', expected: 'no stale reads', held: true },
    {
      name: 'no-lost-writes',
      expected: 'lost writes possible on a cache crash (the dirty entries)',
      held: true
    }
  ],
  verdict: null,
  violations: [],
  violationsTotal: 0,
  lastError: null
}

/** After "Crash cache": the dirty entries are gone, the database is behind, two writes lost. */
const crashed: CacheInfo = {
  ...running,
  status: 'done',
  progress: { done: 3000, total: 3000 },
  entries: [
    { key: 'k1', cache: null, db: { value: 'v0', version: 0 }, differs: false },
    entry('k2', 3, 3, false),
    { key: 'k3', cache: null, db: { value: 'v2', version: 2 }, differs: false }
  ],
  dirty: 0,
  faults: { ...running.faults, cacheCrashes: 1 },
  guarantees: [running.guarantees[0]!, { ...running.guarantees[1]!, held: false }],
  verdict: 'violated',
  violations: [
    { key: 'k1', kind: 'lost-write', version: 7, cause: 'cache-crash-dirty', at: 1 },
    { key: 'k3', kind: 'lost-write', version: 5, cause: 'cache-crash-dirty', at: 2 }
  ],
  violationsTotal: 2
}

/** A transport that records calls and lets the test push the Cache lab's view. */
function fakeTransport(): Transport & { calls: CommandInput[]; push(info: CacheInfo): void } {
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
    push: (info: CacheInfo) =>
      onFrame?.({
        seq: ++seq,
        snapshot: { labs: { cache: info } } as unknown as Snapshot,
        events: [],
        dropped: 0
      })
  }
}

function renderPanel(): ReturnType<typeof fakeTransport> {
  const transport = fakeTransport()
  render(
    <TransportProvider transport={transport}>
      <CachePanel />
    </TransportProvider>
  )
  return transport
}

afterEach(() => {
  cleanup()
  useConsole.setState({ snapshot: null, trace: [], toasts: [] })
})

describe('CachePanel', () => {
  it('starts a run with every setting of the form', async () => {
    const transport = renderPanel()
    act(() => transport.push({ ...running, status: 'idle', settings: null }))
    fireEvent.change(screen.getByTestId('cache-strategy'), { target: { value: 'write-back' } })
    fireEvent.change(screen.getByTestId('cache-ops'), { target: { value: '3000' } })
    fireEvent.change(screen.getByTestId('cache-rate'), { target: { value: '500' } })
    fireEvent.change(screen.getByTestId('cache-persistence'), { target: { value: 'off' } })
    await act(async () => fireEvent.click(screen.getByTestId('cache-start')))
    expect(transport.calls).toHaveLength(1)
    const command = transport.calls[0] as Extract<CommandInput, { type: 'cache:start' }>
    expect(command.type).toBe('cache:start')
    // What the form sends is exactly a valid settings object with the choices made.
    expect(CacheSettingsSchema.parse(command.settings)).toEqual(
      CacheSettingsSchema.parse({
        strategy: 'write-back',
        ops: 3000,
        ratePerSec: 500,
        persistence: false
      })
    )
    expect(Object.keys(command.settings).sort()).toEqual(
      Object.keys(settings).concat('persistence').sort()
    )
  })

  it('shows dirty entries and the diff, sends the faults, then names the lost writes', async () => {
    const transport = renderPanel()
    act(() => transport.push(running))
    expect(screen.getByTestId('cache-status').textContent).toBe('running')
    expect(screen.getByTestId('cache-dirty-count').textContent).toBe('2')
    const table = screen.getByTestId('cache-entries')
    expect(table.querySelectorAll('[data-dirty="true"]')).toHaveLength(2)
    expect(screen.getByTestId('diff-k1').textContent).toBe('cache ≠ db')
    expect(screen.getByTestId('diff-k2').textContent).toBe('=')
    expect(screen.getByTestId('cache-verdict').dataset.verdict).toBe('pending')

    await act(async () => fireEvent.click(screen.getByTestId('cache-crash')))
    await act(async () => fireEvent.click(screen.getByTestId('cache-evict')))
    await act(async () => fireEvent.click(screen.getByTestId('cache-second-writer')))
    await act(async () => fireEvent.click(screen.getByTestId('cache-flush')))
    expect(transport.calls).toEqual([
      { type: 'cache:fault', fault: { kind: 'crash-cache' } },
      { type: 'cache:fault', fault: { kind: 'evict' } },
      { type: 'cache:fault', fault: { kind: 'second-writer', p: 0.05 } },
      { type: 'cache:flush' }
    ])

    act(() => transport.push(crashed))
    expect(screen.getByTestId('count-cache-crashes').textContent).toBe('1 crashes')
    expect(screen.getByTestId('cache-dirty-count').textContent).toBe('0')
    expect(table.querySelectorAll('[data-dirty="true"]')).toHaveLength(0)
    expect(within(table).getAllByText('not cached')).toHaveLength(2)
    const verdict = screen.getByTestId('cache-verdict')
    expect(verdict.dataset.verdict).toBe('violated')
    expect(
      verdict.querySelector('[data-guarantee="no-lost-writes"]')?.getAttribute('data-held')
    ).toBe('false')
    const lost = verdict.querySelector('[data-kind="lost-write"]')
    expect(lost?.textContent).toContain(CACHE_CAUSE_TEXT['cache-crash-dirty'])
    expect(screen.getByTestId('violations-lost-write').textContent).toBe('k1 v7, k3 v5')
    expect((screen.getByTestId('cache-crash') as HTMLButtonElement).disabled).toBe(true)
  })

  it('lets a second writer be switched off, and shows the write-behind queue', async () => {
    const transport = renderPanel()
    act(() =>
      transport.push({
        ...running,
        settings: { ...settings, strategy: 'write-behind' },
        secondWriterP: 0.2,
        queue: { depth: 17, oldestAgeMs: 180, flushLagMs: 40 }
      })
    )
    expect(screen.getByTestId('cache-queue-depth').textContent).toBe('17')
    expect(screen.getByTestId('cache-second-writer').textContent).toContain('20%')
    await act(async () => fireEvent.click(screen.getByTestId('cache-second-writer')))
    expect(transport.calls).toEqual([
      { type: 'cache:fault', fault: { kind: 'second-writer', p: 0 } }
    ])
  })
})
