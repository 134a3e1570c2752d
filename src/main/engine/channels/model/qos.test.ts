import { describe, expect, it } from 'vitest'
import type { JsonValue } from '../event'
import { QoSErrorCode } from './constants'
import {
  availableQoS,
  QOS_PROPERTY_NAMES,
  type QoSLevel,
  type QoSValidationContext,
  validateAdmin,
  validateQoS
} from './qos'
import { EventChannelFactory } from './event-channel-factory'
import { NotifyErrorCode } from './notify-error'
import { msToTimeT, parseTimeT, timeTToMs, unixMsToUtcT, utcTToUnixMs } from './time'

const LEVELS: Record<string, QoSLevel[]> = {
  EventReliability: ['channel', 'event'],
  ConnectionReliability: ['channel', 'admin', 'proxy'],
  Priority: ['channel', 'admin', 'proxy', 'event'],
  StartTime: ['event'],
  StopTime: ['event'],
  Timeout: ['channel', 'admin', 'proxy', 'event'],
  StartTimeSupported: ['channel', 'admin', 'proxy'],
  StopTimeSupported: ['channel', 'admin', 'proxy'],
  MaxEventsPerConsumer: ['channel', 'admin', 'proxy'],
  OrderPolicy: ['channel', 'admin', 'proxy'],
  DiscardPolicy: ['channel', 'admin', 'proxy'],
  MaximumBatchSize: ['channel', 'admin', 'proxy'],
  PacingInterval: ['channel', 'admin', 'proxy']
}

const VALID: Record<string, JsonValue> = {
  EventReliability: 0,
  ConnectionReliability: 0,
  Priority: 7,
  StartTime: unixMsToUtcT(0),
  StopTime: unixMsToUtcT(0),
  Timeout: '50000000',
  StartTimeSupported: true,
  StopTimeSupported: false,
  MaxEventsPerConsumer: 10,
  OrderPolicy: 3,
  DiscardPolicy: 4,
  MaximumBatchSize: 8,
  PacingInterval: 10_000
}

const ctx = (level: QoSLevel): QoSValidationContext => ({
  level,
  parentValue: (): JsonValue => 0,
  currentValue: (): JsonValue => 0,
  hasChildren: false
})

describe('QoS master table (digest §3.2)', () => {
  it('covers every property of the table', () => {
    expect([...QOS_PROPERTY_NAMES].sort()).toEqual(Object.keys(LEVELS).sort())
  })

  for (const name of QOS_PROPERTY_NAMES) {
    it(`${name}: settable exactly at ${LEVELS[name]?.join(', ')}`, () => {
      for (const level of ['channel', 'admin', 'proxy', 'event'] as const) {
        const errors = validateQoS([{ name, value: VALID[name] ?? null }], ctx(level))
        if (LEVELS[name]?.includes(level)) expect(errors, level).toEqual([])
        else
          expect(
            errors.map((e) => e.code),
            level
          ).toEqual([QoSErrorCode.UNSUPPORTED_PROPERTY])
      }
    })
  }

  it('type and range checks', () => {
    const codes = (name: string, value: JsonValue): number[] =>
      validateQoS([{ name, value }], ctx('proxy')).map((e) => e.code)
    expect(codes('Priority', 1.5)).toEqual([QoSErrorCode.BAD_TYPE])
    expect(codes('Priority', 32_767)).toEqual([])
    expect(codes('Priority', -32_768)).toEqual([QoSErrorCode.BAD_VALUE])
    expect(codes('DiscardPolicy', 5)).toEqual([QoSErrorCode.BAD_VALUE])
    expect(codes('OrderPolicy', 4)).toEqual([QoSErrorCode.BAD_VALUE])
    expect(codes('MaximumBatchSize', 0)).toEqual([QoSErrorCode.BAD_VALUE])
    expect(codes('MaxEventsPerConsumer', -1)).toEqual([QoSErrorCode.BAD_VALUE])
    expect(codes('Timeout', '-10')).toEqual([QoSErrorCode.BAD_VALUE])
    expect(codes('Timeout', 'soon')).toEqual([QoSErrorCode.BAD_TYPE])
    expect(codes('StartTimeSupported', 1)).toEqual([QoSErrorCode.BAD_TYPE])
    expect(codes('ConnectionReliability', 2)).toEqual([QoSErrorCode.BAD_VALUE])
    expect(codes('Nonsense', 1)).toEqual([QoSErrorCode.BAD_PROPERTY])
    expect(
      validateQoS([{ name: 'StopTime', value: { time: 'x' } }], ctx('event')).map((e) => e.code)
    ).toEqual([QoSErrorCode.BAD_TYPE])
  })

  it('UnsupportedQoS names every refused property and the reason in its message', () => {
    const channel = new EventChannelFactory().create_channel()
    expect(() =>
      channel.set_qos([
        { name: 'Priority', value: 40_000 },
        { name: 'Bogus', value: 1 }
      ])
    ).toThrow('unsupported QoS: Priority BAD_VALUE (allowed -32767..32767), Bogus BAD_PROPERTY')
    channel.destroy()
  })

  it('validate_qos lists the other properties settable at that level with their ranges', () => {
    const available = availableQoS('proxy', [{ name: 'Priority', value: 1 }])
    expect(available.map((a) => a.name)).not.toContain('Priority')
    expect(available.find((a) => a.name === 'OrderPolicy')?.range).toEqual({
      low_val: 0,
      high_val: 3
    })
    const { channel } = { channel: new EventChannelFactory().create_channel() }
    expect(channel.validate_qos([{ name: 'OrderPolicy', value: 1 }]).map((a) => a.name)).toContain(
      'MaximumBatchSize'
    )
    channel.destroy()
  })

  it('admin properties: unknown → BAD_PROPERTY, wrong type → BAD_TYPE, negative → BAD_VALUE', () => {
    expect(
      validateAdmin([
        { name: 'MaxQueueLength', value: 5 },
        { name: 'MaxConsumers', value: -1 },
        { name: 'MaxSuppliers', value: 'many' },
        { name: 'RejectNewEvents', value: true },
        { name: 'Priority', value: 1 }
      ]).map((e) => [e.name, e.code])
    ).toEqual([
      ['MaxConsumers', QoSErrorCode.BAD_VALUE],
      ['MaxSuppliers', QoSErrorCode.BAD_TYPE],
      ['Priority', QoSErrorCode.BAD_PROPERTY]
    ])
    const channel = new EventChannelFactory().create_channel()
    expect(() => channel.set_admin([{ name: 'MaxQueueLength', value: -1 }])).toThrow(
      expect.objectContaining({ code: NotifyErrorCode.UNSUPPORTED_ADMIN })
    )
    expect(() => channel.validate_admin([{ name: 'MaxSuppliers', value: 1.5 }])).toThrow(
      expect.objectContaining({ code: NotifyErrorCode.UNSUPPORTED_ADMIN })
    )
    channel.validate_admin([{ name: 'MaxSuppliers', value: 1 }])
    expect(channel.get_admin()).toEqual([
      { name: 'MaxQueueLength', value: 0 },
      { name: 'MaxConsumers', value: 0 },
      { name: 'MaxSuppliers', value: 0 },
      { name: 'RejectNewEvents', value: false }
    ])
    channel.destroy()
  })

  it('factory default QoS override the spec-ish defaults and are validated', () => {
    const factory = new EventChannelFactory({ defaultQoS: [{ name: 'OrderPolicy', value: 1 }] })
    const channel = factory.create_channel()
    expect(channel.get_qos().find((p) => p.name === 'OrderPolicy')?.value).toBe(1)
    expect(
      () => new EventChannelFactory({ defaultQoS: [{ name: 'OrderPolicy', value: 7 }] })
    ).toThrow(expect.objectContaining({ code: NotifyErrorCode.UNSUPPORTED_QOS }))
    channel.destroy()
  })
})

describe('TimeBase conversions', () => {
  it('TimeT and UtcT round trips', () => {
    expect(msToTimeT(200)).toBe(2_000_000)
    expect(timeTToMs(2_000_000)).toBe(200)
    expect(timeTToMs('50000000')).toBe(5_000)
    expect(parseTimeT(1.5)).toBeNull()
    const ms = Date.UTC(2026, 10, 23, 12, 0, 0)
    expect(utcTToUnixMs(unixMsToUtcT(ms))).toBe(ms)
    expect(utcTToUnixMs(unixMsToUtcT(ms).time)).toBe(ms)
    expect(utcTToUnixMs('122192928000000000')).toBe(0)
    expect(utcTToUnixMs('nope')).toBeNull()
  })
})
