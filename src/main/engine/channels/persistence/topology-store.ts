import type { Redis } from 'ioredis'
import type {
  ClientKind,
  ClientRole,
  ConstraintExpJson,
  JsonValue,
  PropertyJson,
  ProxyRefJson
} from '@shared/contract/labs/channels'
import type { ChannelsKeys } from './keys'

/** A filter object of a persistent channel. */
export interface FilterDoc {
  id: number
  kind: 'filter' | 'priority' | 'lifetime'
  grammar: string
  constraints: { expression: ConstraintExpJson; value?: JsonValue }[]
  defaultValue?: JsonValue
}

/** A filter attached to an admin or proxy under a FilterID. */
export interface AttachmentDoc {
  attachmentId: number
  filterId: number
}

export interface AdminDoc {
  id: number
  operator: 'AND_OP' | 'OR_OP'
  qos: PropertyJson[]
  filters: AttachmentDoc[]
  priorityFilterId: number | null
  lifetimeFilterId: number | null
}

/** Who is behind a persistent proxy. */
export type ClientDoc =
  | { kind: 'lab'; id: string; label: string | null; killed: boolean }
  | { kind: 'remote'; name: string | null }
  | { kind: 'federation'; peer: ProxyRefJson }
  | { kind: 'none' }

export interface ProxyDoc {
  ref: ProxyRefJson
  role: ClientRole
  kind: ClientKind
  cosEvent: boolean
  qos: PropertyJson[]
  filters: AttachmentDoc[]
  priorityFilterId: number | null
  lifetimeFilterId: number | null
  suspended: boolean
  client: ClientDoc
}

/**
 * The topology of one ConnectionReliability=Persistent channel (digest §3.3 [rec for Redis]):
 * everything needed to re-create it with the same ids after a restart. Plain JSON, versioned.
 */
export interface ChannelDoc {
  v: 1
  id: number
  label: string | null
  qos: PropertyJson[]
  admin: PropertyJson[]
  filters: FilterDoc[]
  consumerAdmins: AdminDoc[]
  supplierAdmins: AdminDoc[]
  proxies: ProxyDoc[]
}

/**
 * Reads and writes channel topology documents (one hash field per channel). Writes are coalesced:
 * `markDirty(id)` schedules one rewrite of that channel's document, built by `build(id)` at write
 * time (null = delete it), with at most one write in flight.
 */
export class TopologyStore {
  readonly #client: Redis
  readonly #keys: ChannelsKeys
  readonly #build: (id: number) => ChannelDoc | null
  readonly #onError: (err: Error) => void
  readonly #dirty = new Set<number>()
  #writing: Promise<void> | null = null
  #detached = false

  constructor(
    client: Redis,
    keys: ChannelsKeys,
    build: (id: number) => ChannelDoc | null,
    onError: (err: Error) => void
  ) {
    this.#client = client
    this.#keys = keys
    this.#build = build
    this.#onError = onError
  }

  /** @returns every stored channel document, by id */
  async load(): Promise<ChannelDoc[]> {
    const all = await this.#client.hgetall(this.#keys.topology)
    const docs: ChannelDoc[] = []
    for (const json of Object.values(all)) {
      try {
        const doc = JSON.parse(json) as ChannelDoc
        if (doc.v === 1) docs.push(doc)
      } catch {
        this.#onError(new Error('unreadable channel topology document'))
      }
    }
    return docs.sort((a, b) => a.id - b.id)
  }

  /** Schedules a rewrite of channel `id`'s document. */
  markDirty(id: number): void {
    if (this.#detached) return
    this.#dirty.add(id)
    this.#schedule()
  }

  /** Stops writing (the in-memory topology is about to be torn down). */
  detach(): void {
    this.#detached = true
    this.#dirty.clear()
  }

  /** Resolves when every scheduled write is done. */
  async flushed(): Promise<void> {
    while (this.#writing !== null) await this.#writing
  }

  #schedule(): void {
    if (this.#writing !== null || this.#dirty.size === 0) return
    // `finally` runs after the assignment even when the body throws synchronously.
    const write = async (): Promise<void> => {
      // Build after the current turn: never inside a model callback, and changes coalesce.
      await new Promise((resolve) => setImmediate(resolve))
      try {
        while (this.#dirty.size > 0 && !this.#detached) {
          const ids = [...this.#dirty]
          this.#dirty.clear()
          const multi = this.#client.multi()
          for (const id of ids) {
            const doc = this.#build(id)
            if (doc === null) multi.hdel(this.#keys.topology, String(id))
            else multi.hset(this.#keys.topology, String(id), JSON.stringify(doc))
          }
          await multi.exec()
        }
      } catch (err) {
        this.#onError(err instanceof Error ? err : new Error(String(err)))
      }
    }
    this.#writing = write().finally(() => {
      this.#writing = null
      if (this.#dirty.size > 0 && !this.#detached) this.#schedule()
    })
  }
}
