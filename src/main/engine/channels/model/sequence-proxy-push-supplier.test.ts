import { describe, expect, it } from 'vitest'
import type { StructuredEvent } from '../event'
import { ClientType } from './constants'
import { NotifyErrorCode } from './notify-error'
import { codeOf, flush, manualSetup, namesOf, structured } from './test-support'
import type { ManualClock } from './manual-clock'
import type { SequenceProxyPushSupplier } from './sequence-proxy-push-supplier'
import { msToTimeT } from './time'

interface SequenceSetup {
  clock: ManualClock
  proxy: SequenceProxyPushSupplier
  batches: { at: number; names: string[] }[]
  push: (name: string) => void
}

function sequenceSetup(maxBatch: number, pacingMs: number): SequenceSetup {
  const env = manualSetup()
  const supplier = env.channel.default_supplier_admin.obtain_notification_push_consumer(
    ClientType.STRUCTURED_EVENT
  )
  supplier.connect_structured_push_supplier(null)
  const proxy = env.channel.default_consumer_admin.obtain_notification_push_supplier(
    ClientType.SEQUENCE_EVENT
  )
  proxy.set_qos([
    { name: 'MaximumBatchSize', value: maxBatch },
    { name: 'PacingInterval', value: msToTimeT(pacingMs) }
  ])
  const batches: { at: number; names: string[] }[] = []
  proxy.connect_sequence_push_consumer({
    push_structured_events: (events: StructuredEvent[]) => {
      batches.push({ at: env.clock.now() - start, names: namesOf(events) })
    }
  })
  const start = env.clock.now()
  return {
    clock: env.clock,
    proxy,
    batches,
    push: (n: string) => supplier.push_structured_event(structured(n))
  }
}

describe('SequenceProxyPushSupplier pacing (digest §2.10)', () => {
  it('a full batch goes out at once and cancels the pacing timer; leftovers start a new one', async () => {
    const { clock, push, batches } = sequenceSetup(3, 200)
    push('a')
    await clock.advance(100)
    push('b')
    push('c')
    await flush()
    expect(batches).toEqual([{ at: 100, names: ['a', 'b', 'c'] }])
    await clock.advance(50)
    push('d')
    await clock.advance(199)
    expect(batches).toHaveLength(1)
    await clock.advance(1)
    expect(batches[1]).toEqual({ at: 350, names: ['d'] })
  })

  it('more than MaximumBatchSize queued: a full batch at once, the rest after the interval', async () => {
    const { clock, push, batches } = sequenceSetup(3, 200)
    push('1')
    push('2')
    push('3')
    push('4')
    push('5')
    await flush()
    expect(batches.map((b) => b.names)).toEqual([['1', '2', '3']])
    await clock.advance(199)
    expect(batches).toHaveLength(1)
    await clock.advance(1)
    expect(batches.map((b) => b.names)).toEqual([
      ['1', '2', '3'],
      ['4', '5']
    ])
  })

  it('resume_connection flushes the whole queue: full batches, then the partial rest', async () => {
    const { proxy, push, batches } = sequenceSetup(3, 10_000)
    proxy.suspend_connection()
    for (const n of ['1', '2', '3', '4', '5']) push(n)
    proxy.resume_connection()
    await flush()
    expect(batches.map((b) => b.names)).toEqual([
      ['1', '2', '3'],
      ['4', '5']
    ])
  })

  it('a pacing interval that expires while suspended delivers on resume', async () => {
    const { clock, proxy, push, batches } = sequenceSetup(4, 100)
    push('x')
    proxy.suspend_connection()
    await clock.advance(500)
    expect(batches).toEqual([])
    proxy.resume_connection()
    await flush()
    expect(batches.map((b) => b.names)).toEqual([['x']])
  })

  it('PacingInterval 0 delivers whatever is queued immediately (digest [rec]), up to the batch size', async () => {
    const { push, batches } = sequenceSetup(5, 0)
    push('only')
    await flush()
    expect(batches.map((b) => b.names)).toEqual([['only']])
  })

  it('channel-level MaximumBatchSize is inherited live by proxies that do not override it', async () => {
    const { channel, clock } = manualSetup([{ name: 'PacingInterval', value: msToTimeT(1_000) }])
    const supplier = channel.default_supplier_admin.obtain_notification_push_consumer(
      ClientType.SEQUENCE_EVENT
    )
    supplier.connect_sequence_push_supplier(null)
    const proxy = channel.default_consumer_admin.obtain_notification_push_supplier(
      ClientType.SEQUENCE_EVENT
    )
    const sizes: number[] = []
    proxy.connect_sequence_push_consumer({
      push_structured_events: (e: StructuredEvent[]) => sizes.push(e.length)
    })
    channel.set_qos([{ name: 'MaximumBatchSize', value: 2 }])
    supplier.push_structured_events([structured('a'), structured('b'), structured('c')])
    await flush()
    expect(sizes).toEqual([2])
    channel.set_qos([{ name: 'MaximumBatchSize', value: 1 }])
    await flush()
    expect(sizes).toEqual([2, 1])
    await clock.advance(1_000)
    expect(sizes).toEqual([2, 1])
  })
})

describe('SequenceProxyPullSupplier', () => {
  it('max_number bounds a batch, MaximumBatchSize caps it, try_pull returns 0..max', async () => {
    const { channel } = manualSetup()
    const supplier = channel.default_supplier_admin.obtain_notification_push_consumer(
      ClientType.SEQUENCE_EVENT
    )
    supplier.connect_sequence_push_supplier(null)
    const pull = channel.default_consumer_admin.obtain_notification_pull_supplier(
      ClientType.SEQUENCE_EVENT
    )
    pull.connect_sequence_pull_consumer(null)
    pull.set_qos([{ name: 'MaximumBatchSize', value: 3 }])
    expect(pull.try_pull_structured_events(10)).toEqual({ has_event: false, events: [] })
    const blocked = pull.pull_structured_events(10)
    supplier.push_structured_events(['a', 'b', 'c', 'd', 'e'].map((n) => structured(n)))
    expect(namesOf(await blocked)).toEqual(['a'])
    expect(namesOf(await pull.pull_structured_events(10))).toEqual(['b', 'c', 'd'])
    expect(namesOf(pull.try_pull_structured_events(1).events)).toEqual(['e'])
    expect(codeOf(() => pull.try_pull_structured_events(0))).toBe(NotifyErrorCode.BAD_PARAM)
  })
})
