import { describe, expect, it } from 'vitest'
import type { JsonValue } from '../event'
import { PUSH_MAX_ATTEMPTS, PUSH_RETRY_BACKOFF_MS } from './constants'
import { NotifyError, NotifyErrorCode } from './notify-error'
import type { EventChannel } from './event-channel'
import type { ManualClock } from './manual-clock'
import type { ProxyPushConsumer } from './proxy-push-consumer'
import type { ProxyPushSupplier } from './proxy-push-supplier'
import { flush, manualSetup } from './test-support'

interface PushSetup {
  clock: ManualClock
  channel: EventChannel
  supplier: ProxyPushConsumer
  proxy: ProxyPushSupplier
  discarded: string[]
}

function pushSetup(push: (data: JsonValue) => unknown): PushSetup {
  const env = manualSetup()
  const supplier = env.channel.for_suppliers().obtain_push_consumer()
  supplier.connect_push_supplier(null)
  const proxy = env.channel.for_consumers().obtain_push_supplier()
  const discarded: string[] = []
  env.channel.on('eventDiscarded', (n) => discarded.push(`${n.seq}:${n.reason}`))
  proxy.connect_push_consumer({ push })
  return { ...env, supplier, proxy, discarded }
}

describe('push delivery failures (digest §2.5)', () => {
  it('a transient failure is retried after the back-off, keeping the order', async () => {
    const got: JsonValue[] = []
    let failures = 1
    const { clock, supplier } = pushSetup((data) => {
      if (failures-- > 0) throw new Error('busy')
      got.push(data)
    })
    supplier.push(1)
    supplier.push(2)
    await flush()
    expect(got).toEqual([])
    await clock.advance(PUSH_RETRY_BACKOFF_MS - 1)
    expect(got).toEqual([])
    await clock.advance(1)
    expect(got).toEqual([1, 2])
  })

  it(`after ${PUSH_MAX_ATTEMPTS} failed attempts the event is dropped and the next one delivered`, async () => {
    const got: JsonValue[] = []
    const { clock, supplier, proxy, discarded } = pushSetup((data) => {
      if (data === 'poison') throw new Error('cannot handle')
      got.push(data)
    })
    supplier.push('poison')
    supplier.push('fine')
    await clock.advance(PUSH_RETRY_BACKOFF_MS * PUSH_MAX_ATTEMPTS)
    expect(got).toEqual(['fine'])
    expect(discarded).toEqual(['1:DeliveryFailed'])
    expect(proxy.toInfo().counters).toMatchObject({
      delivered: 1,
      discardedBy: { DeliveryFailed: 1 }
    })
    expect(proxy.isConnected).toBe(true)
  })

  it('OBJECT_NOT_EXIST from the consumer destroys the proxy like Disconnected', async () => {
    const { supplier, proxy } = pushSetup(() => {
      throw new NotifyError(NotifyErrorCode.OBJECT_NOT_EXIST)
    })
    supplier.push('x')
    await flush()
    expect(proxy.state).toBe('destroyed')
  })

  it('one push in flight per consumer: a slow asynchronous consumer gets events one after another', async () => {
    const calls: JsonValue[] = []
    const releases: (() => void)[] = []
    const { supplier } = pushSetup(
      (data) =>
        new Promise<void>((resolve) => {
          calls.push(data)
          releases.push(resolve)
        })
    )
    supplier.push('a')
    supplier.push('b')
    await flush()
    expect(calls).toEqual(['a'])
    releases.shift()?.()
    await flush()
    expect(calls).toEqual(['a', 'b'])
  })

  it('an event whose retry is pending when the connection is suspended goes first on resume', async () => {
    const got: JsonValue[] = []
    let fail = true
    const { clock, supplier, proxy } = pushSetup((data) => {
      if (fail) throw new Error('transient')
      got.push(data)
    })
    supplier.push('first')
    await flush()
    proxy.suspend_connection()
    supplier.push('second')
    fail = false
    await clock.advance(PUSH_RETRY_BACKOFF_MS)
    expect(got).toEqual([])
    proxy.resume_connection()
    await flush()
    expect(got).toEqual(['first', 'second'])
  })

  it('destroying the channel while a push is in flight accounts the event once', async () => {
    let release = (): void => {}
    const { channel, supplier, proxy } = pushSetup(
      () =>
        new Promise<void>((resolve) => {
          release = resolve
        })
    )
    supplier.push('slow')
    await flush()
    channel.destroy()
    release()
    await flush()
    const counters = proxy.toInfo().counters
    expect(counters.delivered + counters.discarded).toBe(1)
  })
})
