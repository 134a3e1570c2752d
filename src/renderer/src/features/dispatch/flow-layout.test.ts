import { describe, expect, it } from 'vitest'
import type { FlowEvent, FlowEventKind } from '@shared/contract/labs/dispatch'
import { layoutFlow } from './flow-layout'

function ev(epoch: number, t: number, kind: FlowEventKind, lane: string, attempt = 1): FlowEvent {
  return { epoch, t, kind, lane, attempt }
}

describe('layoutFlow', () => {
  it('follows a dropped request, its re-send, delivery, steps and acked reply', () => {
    const events = [
      ev(7, 0, 'send', 'dispatcher'),
      ev(7, 1, 'drop-request', 'link'),
      ev(7, 400, 'resend', 'dispatcher', 2),
      ev(7, 401, 'deliver', 'w1', 2),
      ev(7, 402, 'check', 'w1', 2),
      ev(7, 403, 'work', 'w1', 2),
      ev(7, 404, 'mark', 'w1', 2),
      ev(7, 405, 'reply', 'w1', 2),
      ev(7, 406, 'ack', 'dispatcher', 2)
    ]
    const layout = layoutFlow(
      { sampleEvery: 1, until: null, epochs: [7], events, selected: null },
      ['w1', 'w2']
    )
    expect(layout.lanes).toEqual(['dispatcher', 'link', 'w1', 'w2', 'redis'])
    const shapes = layout.epochs[0]?.shapes ?? []
    const arrows = shapes.filter((s) => s.type === 'arrow')
    expect(arrows.map((a) => `${a.kind}:${a.fate}`)).toEqual([
      'send:dropped',
      'resend:delivered',
      'reply:acked'
    ])
    expect(shapes.filter((s) => s.type === 'cross').map((s) => s.kind)).toEqual(['drop-request'])
    const marks = shapes.filter((s) => s.type === 'mark')
    expect(marks.map((m) => m.kind)).toEqual(['check', 'work', 'mark', 'ack'])
    // check and mark touch Redis; work does not.
    expect(marks.map((m) => (m.type === 'mark' ? m.redisX !== null : false))).toEqual([
      true,
      false,
      true,
      false
    ])
  })

  it('draws a crash as a cross on the worker lane and a lost reply at the link', () => {
    const events = [
      ev(1, 0, 'send', 'dispatcher'),
      ev(1, 1, 'deliver', 'w2'),
      ev(1, 2, 'crash', 'w2'),
      ev(2, 3, 'send', 'dispatcher'),
      ev(2, 4, 'deliver', 'w1'),
      ev(2, 5, 'reply', 'w1'),
      ev(2, 6, 'drop-reply', 'link')
    ]
    const layout = layoutFlow(
      { sampleEvery: 1, until: null, epochs: [1, 2], events, selected: null },
      []
    )
    const crosses = layout.epochs.map((e) =>
      e.shapes.filter((s) => s.type === 'cross').map((s) => s.kind)
    )
    expect(crosses).toEqual([['crash'], ['drop-reply']])
  })
})
