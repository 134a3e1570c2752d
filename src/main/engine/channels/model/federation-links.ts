import type { ProxyRef } from './channel-events'
import type { EventChannel } from './event-channel'
import type { FederationLinkInfo } from './info'

interface Link {
  from: ProxyRef
  to: ProxyRef
  target: EventChannel
}

/**
 * The federation edges leaving one channel (digest §1.6): "a proxy supplier of this channel feeds
 * a proxy consumer of `target`". Used to reject local cycles at connect time and to draw the
 * federation graph in the UI.
 */
export class FederationLinks {
  readonly #links = new Map<string, Link>()

  /** Records an edge (idempotent per proxy pair). @returns the edge's key */
  link(from: ProxyRef, to: ProxyRef, target: EventChannel): string {
    const key = `${from.channelId}/${from.adminId}/${from.proxyId}>${target.uid}/${to.adminId}/${to.proxyId}`
    this.#links.set(key, { from, to, target })
    return key
  }

  /** Removes an edge. */
  unlink(key: string): void {
    this.#links.delete(key)
  }

  /** Removes every edge. */
  clear(): void {
    this.#links.clear()
  }

  /** @returns true when `target` can be reached from this channel through live local edges */
  reaches(target: EventChannel): boolean {
    const seen = new Set<FederationLinks>([this])
    const stack: FederationLinks[] = [this]
    while (stack.length > 0) {
      const links = stack.pop() as FederationLinks
      for (const link of links.#links.values()) {
        if (link.target === target) return true
        const next = link.target.federation
        if (!seen.has(next)) {
          seen.add(next)
          stack.push(next)
        }
      }
    }
    return false
  }

  /** @returns the edges as plain JSON */
  toInfo(): FederationLinkInfo[] {
    return [...this.#links.values()].map((l) => ({ from: l.from, to: l.to }))
  }
}
