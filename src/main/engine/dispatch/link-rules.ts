import type { LinkDirection, LinkDirectionInfo, LinkRule } from '@shared/contract/labs/dispatch'
import { ChanceSalt, LinkChance } from './link-chance'

export type FaultKind = 'dropped' | 'dropped-next' | 'dropped-cut' | 'duplicated' | 'delayed'

/** The standing rule of one direction, with the one-shot parts (drop next N, cut). */
export type StandingRule = LinkRule & { dropNext: number; cut: boolean }

export interface DirectionState {
  rule: StandingRule
  counters: LinkDirectionInfo['counters']
  /** Any rule set: the fast path (plain forward) is off. */
  active: boolean
  /** Faults since the last trace summary. */
  pending: number
  samples: number[]
}

/** What the rules do to one message that is not dropped: copies to forward, after `delay` ms. */
export interface Passage {
  copies: 1 | 2
  delay: number
}

/** Epochs named per summary event. */
const LINK_TRACE_SAMPLE_EPOCHS = 5

export function newRule(): StandingRule {
  return { dropP: 0, delayMs: 0, jitterMs: 0, duplicateP: 0, dropNext: 0, cut: false }
}

export function newDirection(): DirectionState {
  return {
    rule: newRule(),
    counters: {
      forwarded: 0,
      dropped: 0,
      droppedNext: 0,
      droppedCut: 0,
      delayed: 0,
      duplicated: 0
    },
    active: false,
    pending: 0,
    samples: []
  }
}

export function refreshDirection(d: DirectionState): void {
  const r = d.rule
  d.active =
    r.cut || r.dropNext > 0 || r.dropP > 0 || r.duplicateP > 0 || r.delayMs > 0 || r.jitterMs > 0
}

export function describeRule(r: StandingRule): string {
  const parts: string[] = []
  if (r.cut) parts.push('cut')
  if (r.dropP > 0) parts.push(`drop p=${r.dropP}`)
  if (r.dropNext > 0) parts.push(`drop next ${r.dropNext}`)
  if (r.delayMs > 0 || r.jitterMs > 0) parts.push(`delay ${r.delayMs}±${r.jitterMs} ms`)
  if (r.duplicateP > 0) parts.push(`duplicate p=${r.duplicateP}`)
  return parts.length > 0 ? parts.join(', ') : 'no faults'
}

/**
 * The link's rules for both directions and what they decide per message. One decision per message
 * (a lockstep request or reply, or one epoch of a pipelined batch), so counters and faults mean the
 * same in both worker modes.
 */
export class LinkRules {
  readonly dirs: Record<LinkDirection, DirectionState> = {
    'to-worker': newDirection(),
    'to-dispatcher': newDirection()
  }
  readonly #chance: LinkChance
  readonly #seeded: boolean
  readonly #onFault: (direction: LinkDirection, kind: FaultKind, epoch: number) => void

  constructor(
    seed: number | null,
    onFault: (direction: LinkDirection, kind: FaultKind, epoch: number) => void
  ) {
    this.#chance = new LinkChance(seed)
    this.#seeded = seed !== null
    this.#onFault = onFault
  }

  /**
   * What the standing rule of `direction` does to one message whose epoch `epochOf` reads (called
   * only when needed: a fault to report, or seeded dice). Counts it.
   * @returns null when the message is dropped.
   */
  decide(direction: LinkDirection, epochOf: () => number): Passage | null {
    const d = this.dirs[direction]
    const r = d.rule
    if (r.cut) {
      d.counters.droppedCut++
      this.#fault(d, direction, 'dropped-cut', epochOf())
      return null
    }
    if (r.dropNext > 0) {
      r.dropNext--
      refreshDirection(d)
      d.counters.droppedNext++
      this.#fault(d, direction, 'dropped-next', epochOf())
      return null
    }
    // Only seeded dice need the epoch (unseeded ones are Math.random whatever it is).
    const roll =
      this.#seeded && (r.dropP > 0 || r.duplicateP > 0 || r.jitterMs > 0)
        ? this.#chance.roll(direction, epochOf())
        : Math.random
    if (r.dropP > 0 && roll(ChanceSalt.Drop) < r.dropP) {
      d.counters.dropped++
      this.#fault(d, direction, 'dropped', epochOf())
      return null
    }
    let copies: 1 | 2 = 1
    if (r.duplicateP > 0 && roll(ChanceSalt.Duplicate) < r.duplicateP) {
      copies = 2
      d.counters.duplicated++
      this.#fault(d, direction, 'duplicated', epochOf())
    }
    const delay =
      r.delayMs > 0 || r.jitterMs > 0
        ? Math.max(0, r.delayMs + (roll(ChanceSalt.Jitter) * 2 - 1) * r.jitterMs)
        : 0
    d.counters.forwarded += copies
    if (delay > 0) {
      d.counters.delayed++
      this.#fault(d, direction, 'delayed', epochOf())
    }
    return { copies, delay }
  }

  /** One trace event per direction with the counts since the last one (called periodically). */
  summarise(
    onTrace: (
      type: string,
      level: 'info',
      message: string,
      data: Record<string, string | number>
    ) => void
  ): void {
    for (const direction of ['to-worker', 'to-dispatcher'] as const) {
      const d = this.dirs[direction]
      if (d.pending === 0) continue
      const c = d.counters
      onTrace(
        'link-faults',
        'info',
        `${direction}: ${d.pending} fault(s) applied (e.g. epochs ${d.samples.join(', ')})`,
        {
          direction,
          applied: d.pending,
          dropped: c.dropped,
          droppedNext: c.droppedNext,
          droppedCut: c.droppedCut,
          delayed: c.delayed,
          duplicated: c.duplicated,
          sample: d.samples.join(',')
        }
      )
      d.pending = 0
      d.samples = []
    }
  }

  #fault(d: DirectionState, direction: LinkDirection, kind: FaultKind, epoch: number): void {
    d.pending++
    if (d.samples.length < LINK_TRACE_SAMPLE_EPOCHS && epoch >= 0) d.samples.push(epoch)
    this.#onFault(direction, kind, epoch)
  }
}
