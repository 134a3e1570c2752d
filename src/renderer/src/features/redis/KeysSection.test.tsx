import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import {
  CommandType,
  EngineError,
  ErrorCode,
  type CommandInput,
  type Frame,
  type Presence,
  type RedisInfo,
  type RedisReadKeyResult,
  type RedisScanKeysResult,
  type Snapshot
} from '@shared/contract'
import { useConsole } from '../../store'
import type { Transport } from '../../transport'
import { unwrapReply } from '../../transport/reply'
import { TransportProvider } from '../../transport-context'
import { RedisPanel } from './RedisPanel'

const redis: RedisInfo = {
  status: 'up',
  managed: true,
  url: 'redis://:***@127.0.0.1:1234',
  version: '7.0.15',
  usedMemoryBytes: 2048,
  keys: 3,
  persistence: true,
  pid: 42,
  lastError: null,
  install: null
}

const page1: RedisScanKeysResult = {
  cursor: '7',
  noTouch: false,
  keys: [
    { key: 'flowlab:a:json', readable: true, type: 'string', ttlMs: null, size: 23 },
    { key: 'flowlab:a:list', readable: true, type: 'list', ttlMs: 12_500, size: 300 },
    { key: 'flowlab:a:\uFFFD', readable: false, type: 'string', ttlMs: null, size: 1 }
  ]
}
const page2: RedisScanKeysResult = {
  cursor: '0',
  noTouch: false,
  keys: [{ key: 'flowlab:b:hash', readable: true, type: 'hash', ttlMs: 90_000, size: 2 }]
}
const reads: Record<string, RedisReadKeyResult> = {
  'flowlab:a:json': {
    key: 'flowlab:a:json',
    exists: true,
    type: 'string',
    ttlMs: null,
    size: 23,
    noTouch: false,
    preview: { type: 'string', value: '{"a":1,"b":[true,null]}', truncated: false }
  },
  'flowlab:a:list': {
    key: 'flowlab:a:list',
    exists: true,
    type: 'list',
    ttlMs: 12_500,
    size: 300,
    noTouch: false,
    preview: { type: 'list', items: ['item0', 'item1'], truncated: true }
  }
}

/**
 * A transport that answers the key browser from the fixtures above (each reply checked against
 * the contract, as the real transports do) and lets the test push snapshots.
 */
function fakeTransport(opts: { down?: boolean } = {}): Transport & {
  calls: CommandInput[]
  push(redis: RedisInfo): void
} {
  let onFrame: ((frame: Frame) => void) | null = null
  let seq = 0
  const calls: CommandInput[] = []
  const answer = (command: CommandInput): unknown => {
    if (command.type === CommandType.RedisScanKeys) {
      return command.cursor === '7' ? page2 : page1
    }
    if (command.type === CommandType.RedisReadKey) {
      return reads[command.key] ?? { key: command.key, exists: false }
    }
    return null
  }
  return {
    calls,
    call: async <T,>(command: CommandInput): Promise<T> => {
      calls.push(command)
      if (opts.down && command.type.startsWith('redis:')) {
        throw new EngineError({
          code: ErrorCode.RedisUnavailable,
          message: 'Redis is down: restart it from the Redis panel'
        })
      }
      return unwrapReply<T>(command, { ok: true, value: answer(command) })
    },
    connect: (handlers: { onFrame(frame: Frame): void; onPresence(p: Presence): void }) => {
      onFrame = handlers.onFrame
      handlers.onPresence('live')
      return () => (onFrame = null)
    },
    ack: () => undefined,
    push: (info: RedisInfo) =>
      onFrame?.({ seq: ++seq, snapshot: { redis: info } as Snapshot, events: [], dropped: 0 })
  }
}

function scans(calls: CommandInput[]): CommandInput[] {
  return calls.filter((c) => c.type === CommandType.RedisScanKeys)
}

function renderPanel(transport: Transport): void {
  render(
    <TransportProvider transport={transport}>
      <RedisPanel />
    </TransportProvider>
  )
}

afterEach(() => {
  cleanup()
  useConsole.setState({ snapshot: null, trace: [], toasts: [] })
})

describe('Redis panel: Keys', () => {
  it('lists the first page once Redis is up, then pages on demand only', async () => {
    const transport = fakeTransport()
    renderPanel(transport)
    act(() => transport.push(redis))
    await waitFor(() => expect(screen.getAllByTestId('redis-key-row')).toHaveLength(3))
    expect(scans(transport.calls)).toEqual([
      { type: CommandType.RedisScanKeys, prefix: 'flowlab:', cursor: '0', count: 50 }
    ])
    const row = screen
      .getAllByTestId('redis-key-row')
      .find((r) => r.getAttribute('data-key') === 'flowlab:a:list')
    expect(row?.textContent).toContain('list')
    expect(row?.textContent).toContain('12.5 s')
    expect(row?.textContent).toContain('300 items')
    // The server has no CLIENT NO-TOUCH: the panel says what looking does.
    expect(screen.getByTestId('redis-keys').textContent).toContain('CLIENT NO-TOUCH')

    // Snapshots keep coming ten times a second: none of them makes the section ask Redis again.
    for (let i = 0; i < 5; i++) act(() => transport.push({ ...redis, keys: 3 + i }))
    expect(scans(transport.calls)).toHaveLength(1)

    await act(async () => fireEvent.click(screen.getByTestId('redis-keys-next')))
    expect(scans(transport.calls).at(-1)).toMatchObject({ cursor: '7' })
    await waitFor(() =>
      expect(screen.getAllByTestId('redis-key-row').map((r) => r.dataset.key)).toEqual([
        'flowlab:b:hash'
      ])
    )
    expect(screen.getByTestId('redis-keys-page').textContent).toContain('page 2')
    expect((screen.getByTestId('redis-keys-next') as HTMLButtonElement).disabled).toBe(true)

    // Refresh asks for the same page again (the cursor that produced it).
    await act(async () => fireEvent.click(screen.getByTestId('redis-keys-refresh')))
    expect(scans(transport.calls).at(-1)).toMatchObject({ cursor: '7' })
    expect(scans(transport.calls)).toHaveLength(3)
  })

  it('lists another prefix from its first page', async () => {
    const transport = fakeTransport()
    renderPanel(transport)
    act(() => transport.push(redis))
    await waitFor(() => expect(screen.getAllByTestId('redis-key-row')).toHaveLength(3))
    fireEvent.change(screen.getByTestId('redis-keys-prefix'), {
      target: { value: 'flowlab:cache' }
    })
    await act(async () => fireEvent.submit(screen.getByTestId('redis-keys-prefix')))
    expect(scans(transport.calls).at(-1)).toEqual({
      type: CommandType.RedisScanKeys,
      prefix: 'flowlab:cache',
      cursor: '0',
      count: 50
    })
  })

  it('shows the value of the key clicked, pretty, with a truncated marker when cut', async () => {
    const transport = fakeTransport()
    renderPanel(transport)
    act(() => transport.push(redis))
    await waitFor(() => expect(screen.getAllByTestId('redis-key-row')).toHaveLength(3))
    const rowOf = (key: string): HTMLElement =>
      screen.getAllByTestId('redis-key-row').find((r) => r.dataset.key === key) as HTMLElement

    await act(async () => fireEvent.click(rowOf('flowlab:a:json')))
    expect(transport.calls.at(-1)).toEqual({
      type: CommandType.RedisReadKey,
      key: 'flowlab:a:json'
    })
    const json = await screen.findByTestId('redis-key-value')
    expect(json.querySelector('pre')?.textContent).toBe(
      JSON.stringify({ a: 1, b: [true, null] }, null, 2)
    )
    expect(within(json).queryByTestId('redis-key-truncated')).toBeNull()

    await act(async () => fireEvent.click(rowOf('flowlab:a:list')))
    await waitFor(() =>
      expect(screen.getByTestId('redis-key-value').textContent).toContain('item1')
    )
    expect(screen.getByTestId('redis-key-truncated').textContent).toContain('2 of 300 items')

    // A name that is not UTF-8 cannot be named back: clicking it asks nothing.
    const before = transport.calls.length
    await act(async () => fireEvent.click(rowOf('flowlab:a:\uFFFD')))
    expect(transport.calls).toHaveLength(before)
  })

  it('says what to do when Redis is down', async () => {
    const transport = fakeTransport({ down: true })
    renderPanel(transport)
    act(() => transport.push(redis))
    expect((await screen.findByTestId('redis-keys-error')).textContent).toBe(
      'Redis is down: restart it from the Redis panel'
    )
    expect(screen.queryAllByTestId('redis-key-row')).toHaveLength(0)
  })
})
