import { describe, expect, it } from 'vitest'
import { FLOW_WINDOW_EPOCHS } from '@shared/contract/labs/dispatch'
import { FLOW_EVENTS_MAX, FLOW_SAMPLED_EPOCHS_PER_SEC, FlowLog } from './flow-log'

describe('FlowLog', () => {
  it('keeps the newest epochs’ whole stories and the selected epoch’s, bounded', () => {
    const log = new FlowLog(0)
    for (let epoch = 1; epoch <= 100; epoch++) {
      log.add(epoch, 'send', 'dispatcher', 1, epoch)
      log.add(epoch, 'deliver', 'w1', 1, epoch + 0.5)
      log.add(epoch, 'ack', 'dispatcher', 1, epoch + 0.9)
    }
    const info = log.toInfo(3, null)
    expect(info.epochs).toHaveLength(FLOW_WINDOW_EPOCHS)
    expect(info.epochs.at(-1)).toBe(100)
    expect(info.events.every((e) => info.epochs.includes(e.epoch))).toBe(true)
    expect(info.selected?.events.map((e) => e.kind)).toEqual(['send', 'deliver', 'ack'])
    // A paused window ending at epoch 30.
    expect(log.toInfo(null, 30).epochs.at(-1)).toBe(30)
    for (let i = 0; i < FLOW_EVENTS_MAX; i++) log.add(101 + i, 'send', 'dispatcher', 1, 200 + i)
    expect(log.toInfo(3, null).selected?.recorded).toBe(false)
  })

  it('samples whole epochs when the send rate is high, and says so', () => {
    const log = new FlowLog(0)
    for (let epoch = 1; epoch <= FLOW_SAMPLED_EPOCHS_PER_SEC * 8; epoch++) {
      log.add(epoch, 'send', 'dispatcher', 1)
    }
    log.tick()
    expect(log.sampleEvery).toBe(8)
    expect(log.records(16)).toBe(true)
    expect(log.records(17)).toBe(false)
    // An epoch sent after the rate was seen, and not a multiple of 8, leaves no trace.
    log.add(801, 'send', 'dispatcher', 1)
    log.add(801, 'deliver', 'w1', 1)
    expect(log.toInfo(801, null).selected?.recorded).toBe(false)
    expect(log.toInfo(null, null).events.some((e) => e.epoch === 801)).toBe(false)
    log.tick()
    expect(log.sampleEvery).toBe(1)
  })
})
