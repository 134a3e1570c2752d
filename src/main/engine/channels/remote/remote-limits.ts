import { NotifyError, NotifyErrorCode } from '../model'

/**
 * What one peer of the remote endpoint may hold. Every bound is per session (one ROUTER peer)
 * except `sessionsMax`; refusals are IMP_LIMIT errors with a `reason`, counted by that reason.
 */
export interface RemoteLimits {
  /** Sessions kept at most, in sessions. */
  sessionsMax: number
  /**
   * A session without proxies and silent for at least this long, in ms, may be evicted to make
   * room for a newcomer; one owning proxies or active more recently never is.
   */
  evictIdleMs: number
  /** Channels one session may create (`create_channel`), in channels. */
  channelsPerSession: number
  /** Live proxies one session may own (`obtain` and `reconnect`), in proxies. */
  proxiesPerSession: number
  /** Blocking `pull` calls one session may have in progress, in calls. */
  pullsPerSession: number
  /** Filters one session may create (`add_filter`), in filters. */
  filtersPerSession: number
  /** Event types one proxy may offer or subscribe to (`offer_change`, `subscription_change`). */
  typesPerProxy: number
}

/** Sessions kept at most (a hostile peer cannot grow the table without bound). */
export const REMOTE_SESSIONS_MAX = 1_024
/** Idle window protecting a session from eviction, in ms (clients ping every 3 s). */
export const REMOTE_EVICT_IDLE_MS = 5_000
/** Channels one session may create. */
export const REMOTE_SESSION_CHANNELS_MAX = 32
/** Proxies one session may own at once. */
export const REMOTE_SESSION_PROXIES_MAX = 64
/** Blocking pulls in progress per session at most. */
export const REMOTE_SESSION_PULLS_MAX = 16
/** Filters one session may create. */
export const REMOTE_SESSION_FILTERS_MAX = 128
/** Offered or subscribed event types per proxy at most. */
export const REMOTE_PROXY_TYPES_MAX = 256

export const DEFAULT_REMOTE_LIMITS: RemoteLimits = {
  sessionsMax: REMOTE_SESSIONS_MAX,
  evictIdleMs: REMOTE_EVICT_IDLE_MS,
  channelsPerSession: REMOTE_SESSION_CHANNELS_MAX,
  proxiesPerSession: REMOTE_SESSION_PROXIES_MAX,
  pullsPerSession: REMOTE_SESSION_PULLS_MAX,
  filtersPerSession: REMOTE_SESSION_FILTERS_MAX,
  typesPerProxy: REMOTE_PROXY_TYPES_MAX
}

/** Why a peer's request (or its first frame) was refused; counted in ChannelsInfo.remote.refused. */
export type RefuseReason =
  | 'sessions-full'
  | 'session-channels'
  | 'session-proxies'
  | 'session-pulls'
  | 'session-filters'
  | 'proxy-types'
  | 'event-too-large'

/** A request refused by one of the {@link RemoteLimits}: IMP_LIMIT with the reason. */
export class RemoteLimitError extends NotifyError {
  constructor(reason: RefuseReason, message: string) {
    super(NotifyErrorCode.IMP_LIMIT, message, { reason })
  }
}

/** Counts by reason (a closed set of keys), with their total. */
export class ReasonCounter<R extends string> {
  readonly #by = new Map<R, number>()
  #total = 0

  count(reason: R): void {
    this.#total++
    this.#by.set(reason, (this.#by.get(reason) ?? 0) + 1)
  }

  toInfo(): { total: number; byReason: Record<string, number> } {
    return { total: this.#total, byReason: Object.fromEntries(this.#by) }
  }
}
