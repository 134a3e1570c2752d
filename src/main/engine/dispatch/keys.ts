/**
 * Every Redis key of the Dispatch lab, in one place. Prefix `flowlab:<lab id>:` so external
 * workers (docs/PROTOCOL.md) can build the same names.
 */
export interface DispatchKeys {
  /** `flowlab:<lab>:` */
  prefix: string
  /** Hash epoch → executions: the work's only effect, the checker's ground truth. */
  effects: string
  /** Hash epoch → `attempt:sentAt` of the durable dispatcher's `sent_msgs`. */
  sent: string
  /** The dedup mark of one epoch (value = worker id, TTL = the lab's dedup TTL). */
  done(epoch: number): string
}

export function dispatchKeys(labId: string): DispatchKeys {
  const prefix = `flowlab:${labId}:`
  return {
    prefix,
    effects: `${prefix}effects`,
    sent: `${prefix}sent`,
    done: (epoch) => `${prefix}done:${epoch}`
  }
}
