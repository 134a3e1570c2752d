import type { DispatchInfo, FlowEvent } from '@shared/contract/labs/dispatch'

/** Horizontal distance between lanes, in SVG units. */
export const LANE_W = 110
/** Space above the first event (lane titles) and below the last. */
export const TOP = 34
export const BOTTOM = 14
/** Height of the drawing area, in SVG units. */
export const FLOW_H = 330

/** One drawn item of an epoch: a message arrow, a step mark on a lane, or a cross. */
export type FlowShape =
  | {
      type: 'arrow'
      kind: string
      /** dropped at the link, delivered to a worker, acked by the dispatcher, or still in flight */
      fate: 'dropped' | 'delivered' | 'acked' | 'in-flight'
      points: [number, number][]
      lost: boolean
      dashed: boolean
    }
  | { type: 'mark'; kind: string; x: number; y: number; label: string; redisX: number | null }
  | { type: 'cross'; kind: string; x: number; y: number }
  | { type: 'label'; kind: 'epoch'; x: number; y: number; label: string }

export interface FlowLayout {
  lanes: string[]
  width: number
  /** Shapes per epoch, in epoch order. */
  epochs: { epoch: number; shapes: FlowShape[] }[]
}

const MARK_LABEL: Record<string, string> = { check: 'c', work: 'w', mark: 'm' }

/**
 * The sequence diagram's geometry: a vertical lane for the dispatcher, the link, each worker and
 * Redis; time runs down. Each send follows its fate — dropped at the link (a cross), delivered to
 * a worker (an arrow through the link), a duplicate delivered twice — and each reply goes back to
 * the dispatcher's ack, or dies at the link. Check, work and mark are marks on the worker's lane
 * (check and mark touch Redis); crashes and give-ups are crosses.
 */
export function layoutFlow(flow: DispatchInfo['flow'], workers: readonly string[]): FlowLayout {
  const seen = new Set(workers)
  for (const e of flow.events) {
    if (e.lane !== 'dispatcher' && e.lane !== 'link' && e.lane !== 'redis') seen.add(e.lane)
  }
  const lanes = ['dispatcher', 'link', ...seen, 'redis']
  const x = (lane: string): number => LANE_W / 2 + Math.max(0, lanes.indexOf(lane)) * LANE_W
  const times = flow.events.map((e) => e.t)
  const t0 = Math.min(...times)
  const t1 = Math.max(...times)
  const span = Math.max(1, t1 - t0)
  const y = (t: number): number => TOP + ((t - t0) / span) * (FLOW_H - TOP - BOTTOM)

  const byEpoch = new Map<number, FlowEvent[]>()
  for (const e of flow.events) {
    const list = byEpoch.get(e.epoch)
    if (list) list.push(e)
    else byEpoch.set(e.epoch, [e])
  }
  const epochs = flow.epochs.map((epoch) => ({
    epoch,
    shapes: shapesOf(epoch, byEpoch.get(epoch) ?? [], x, y)
  }))
  return { lanes, width: lanes.length * LANE_W, epochs }
}

function shapesOf(
  epoch: number,
  events: FlowEvent[],
  x: (lane: string) => number,
  y: (t: number) => number
): FlowShape[] {
  const shapes: FlowShape[] = []
  const dx = x('dispatcher')
  const lx = x('link')
  const of = (kind: string, attempt: number): FlowEvent[] =>
    events.filter((e) => e.kind === kind && e.attempt === attempt)
  const first = events.find((e) => e.kind === 'send')
  if (first) {
    shapes.push({ type: 'label', kind: 'epoch', x: dx - 8, y: y(first.t), label: `#${epoch}` })
  }
  for (const send of events.filter((e) => e.kind === 'send' || e.kind === 'resend')) {
    const sy = y(send.t)
    const dropped = of('drop-request', send.attempt)[0]
    const deliveries = of('deliver', send.attempt)
    if (dropped) {
      const ty = Math.max(sy + 4, y(dropped.t))
      shapes.push({
        type: 'arrow',
        kind: send.kind,
        fate: 'dropped',
        points: [
          [dx, sy],
          [lx, ty]
        ],
        lost: true,
        dashed: send.kind === 'resend'
      })
      shapes.push({ type: 'cross', kind: 'drop-request', x: lx, y: ty })
    }
    for (const d of deliveries) {
      const wy = Math.max(sy + 4, y(d.t))
      shapes.push({
        type: 'arrow',
        kind: send.kind,
        fate: 'delivered',
        points: [
          [dx, sy],
          [lx, (sy + wy) / 2],
          [x(d.lane), wy]
        ],
        lost: false,
        dashed: send.kind === 'resend'
      })
    }
    if (!dropped && deliveries.length === 0) {
      // In flight (or lost without a word): the arrow stops at the link.
      shapes.push({
        type: 'arrow',
        kind: send.kind,
        fate: 'in-flight',
        points: [
          [dx, sy],
          [lx, sy + 6]
        ],
        lost: false,
        dashed: send.kind === 'resend'
      })
    }
    if (of('duplicate', send.attempt).length > 0) {
      shapes.push({
        type: 'mark',
        kind: 'duplicate',
        x: lx,
        y: sy + 8,
        label: '×2',
        redisX: null
      })
    }
    if (of('delay', send.attempt).length > 0) {
      shapes.push({ type: 'mark', kind: 'delay', x: lx, y: sy + 8, label: '⏱', redisX: null })
    }
  }
  for (const e of events) {
    const ex = x(e.lane)
    const ey = y(e.t)
    if (e.kind === 'check' || e.kind === 'work' || e.kind === 'mark') {
      shapes.push({
        type: 'mark',
        kind: e.kind,
        x: ex,
        y: ey,
        label: MARK_LABEL[e.kind] ?? e.kind,
        redisX: e.kind === 'work' ? null : x('redis')
      })
    } else if (e.kind === 'crash' || e.kind === 'give-up') {
      shapes.push({ type: 'cross', kind: e.kind, x: e.kind === 'crash' ? ex : dx, y: ey })
    } else if (e.kind === 'reply') {
      const ack = of('ack', e.attempt)[0]
      const lost = of('drop-reply', e.attempt)[0]
      if (lost) {
        const ty = Math.max(ey + 4, y(lost.t))
        shapes.push({
          type: 'arrow',
          kind: 'reply',
          fate: 'dropped',
          points: [
            [ex, ey],
            [lx, ty]
          ],
          lost: true,
          dashed: false
        })
        shapes.push({ type: 'cross', kind: 'drop-reply', x: lx, y: ty })
      } else {
        const ay = ack ? Math.max(ey + 4, y(ack.t)) : ey + 6
        shapes.push({
          type: 'arrow',
          kind: ack ? 'reply' : 'reply-late',
          fate: ack ? 'acked' : 'in-flight',
          points: ack
            ? [
                [ex, ey],
                [lx, (ey + ay) / 2],
                [dx, ay]
              ]
            : [
                [ex, ey],
                [lx, ay]
              ],
          lost: false,
          dashed: false
        })
      }
    }
  }
  if (events.some((e) => e.kind === 'ack')) {
    const ack = events.filter((e) => e.kind === 'ack').at(-1) as FlowEvent
    shapes.push({ type: 'mark', kind: 'ack', x: dx, y: y(ack.t), label: '✓', redisX: null })
  }
  return shapes
}
