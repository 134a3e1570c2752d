import { describe, expect, it } from 'vitest'
import type { JsonValue, StructuredEvent } from '../event'
import type { TryPullResult } from './clients'
import { ClientType } from './constants'
import { NotifyErrorCode } from './notify-error'
import { codeOf, manualSetup, namesOf, structured } from './test-support'

describe('pull proxy consumers (the channel polls, digest §1.3)', () => {
  it('Disconnected from the supplier ends the connection and calls the supplier back', async () => {
    const { clock, channel } = manualSetup()
    const proxy = channel.for_suppliers().obtain_pull_consumer()
    let disconnects = 0
    proxy.connect_pull_supplier({
      try_pull: () => {
        throw Object.assign(new Error('gone'), { code: NotifyErrorCode.DISCONNECTED })
      },
      disconnect_pull_supplier: () => disconnects++
    })
    await clock.advance(0)
    expect(proxy.state).toBe('destroyed')
    expect(disconnects).toBe(1)
  })

  it('other supplier errors are reported through `error` and polling goes on', async () => {
    const { clock, channel } = manualSetup([], [], { pollIntervalMs: 100 })
    const errors: string[] = []
    channel.on('error', (e) => errors.push(e.message))
    let calls = 0
    const proxy = channel.for_suppliers().obtain_pull_consumer()
    proxy.connect_pull_supplier({
      try_pull: async (): Promise<TryPullResult<JsonValue>> => {
        calls++
        throw new Error('flaky')
      }
    })
    await clock.advance(250)
    expect(calls).toBe(3)
    expect(errors).toEqual(['flaky', 'flaky', 'flaky'])
    expect(proxy.isConnected).toBe(true)
  })

  it('polling is skipped while the channel is full with RejectNewEvents, and resumes when room is made', async () => {
    const { clock, channel } = manualSetup(
      [],
      [
        { name: 'MaxQueueLength', value: 1 },
        { name: 'RejectNewEvents', value: true }
      ]
    )
    const pull = channel.for_consumers().obtain_pull_supplier()
    pull.connect_pull_consumer(null)
    let n = 0
    let calls = 0
    const proxy = channel.for_suppliers().obtain_pull_consumer()
    proxy.connect_pull_supplier({
      try_pull: () => {
        calls++
        return { has_event: true, event: ++n }
      }
    })
    await clock.advance(0)
    expect(calls).toBe(1)
    await clock.advance(5_000)
    expect(calls).toBe(1)
    expect(pull.try_pull()).toEqual({ has_event: true, event: 1 })
    await clock.advance(1_000)
    expect(pull.try_pull()).toEqual({ has_event: true, event: 2 })
  })

  it('suspend_connection stops polling; resume polls at once', async () => {
    const { clock, channel } = manualSetup()
    let calls = 0
    const proxy = channel.for_suppliers().obtain_pull_consumer()
    proxy.connect_pull_supplier({
      try_pull: () => {
        calls++
        return { has_event: false }
      }
    })
    await clock.advance(0)
    proxy.suspend_connection()
    await clock.advance(10_000)
    expect(calls).toBe(1)
    proxy.resume_connection()
    await clock.advance(0)
    expect(calls).toBe(2)
    expect(proxy.toInfo().suspended).toBe(false)
  })

  it('structured and sequence pull consumers poll with their flavour; sequence uses MaximumBatchSize', async () => {
    const { clock, channel } = manualSetup([{ name: 'OrderPolicy', value: 1 }])
    const out = channel.default_consumer_admin.obtain_notification_pull_supplier(
      ClientType.STRUCTURED_EVENT
    )
    out.connect_structured_pull_consumer(null)
    const s = channel.default_supplier_admin.obtain_notification_pull_consumer(
      ClientType.STRUCTURED_EVENT
    )
    let once = true
    s.connect_structured_pull_supplier({
      try_pull_structured_event: (): TryPullResult<StructuredEvent> => {
        if (!once) return { has_event: false }
        once = false
        return { has_event: true, event: structured('single') }
      }
    })
    const q = channel.default_supplier_admin.obtain_notification_pull_consumer(
      ClientType.SEQUENCE_EVENT
    )
    q.set_qos([{ name: 'MaximumBatchSize', value: 2 }])
    const asked: number[] = []
    let batches = [[structured('b1'), structured('b2')]]
    q.connect_sequence_pull_supplier({
      try_pull_structured_events: (max: number) => {
        asked.push(max)
        const events = batches.shift() ?? []
        batches = []
        return { has_event: events.length > 0, events }
      }
    })
    expect(codeOf(() => q.connect_sequence_pull_supplier({} as never))).toBe(
      NotifyErrorCode.ALREADY_CONNECTED
    )
    await clock.advance(0)
    expect(asked[0]).toBe(2)
    const names: string[] = []
    for (;;) {
      const r = out.try_pull_structured_event()
      if (!r.has_event) break
      names.push(...namesOf([r.event]))
    }
    expect(names.sort()).toEqual(['b1', 'b2', 'single'])
  })
})
