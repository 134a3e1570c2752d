import { randomBytes } from 'node:crypto'
import {
  EventChannelFactory,
  consumerKey,
  type EventChannelOptions,
  type StoredEvent
} from '../model'
import { BestEffortLedger } from '../persistence/best-effort-ledger'
import { RedisEventStore } from '../persistence/redis-event-store'
import { TopologyStore, type ChannelDoc } from '../persistence/topology-store'
import { addCounters } from './counters'
import { persistFailed, type LabState } from './lab-state'
import { burnChannelIds, restoreChannel, restoreFederation, type BootReport } from './restore'
import { buildChannelDoc } from './topology-doc'

/**
 * Builds a fresh factory with the stores and re-creates what Redis holds. Redis failures are
 * recorded as persistence errors, never thrown: the lab then runs without what it could not read.
 * @param crash - set when the previous run is this process's own (restart command): the
 *   best-effort count it had in memory
 */
export async function bootLab(state: LabState, crash: { lost: number } | null): Promise<void> {
  const client = state.client
  const keys = state.keys
  const onError = (err: Error): void => persistFailed(state, err)
  const report: BootReport = {
    channelsRestored: 0,
    proxiesRestored: 0,
    eventsRestored: 0,
    bestEffortLost: crash?.lost ?? 0,
    unclean: crash !== null
  }
  let docs: ChannelDoc[] = []
  let nextChannel = 0
  const stored = new Map<string, StoredEvent[]>()
  if (client !== null) {
    // A boot that reads Redis without a failure ends an earlier failing spell.
    state.persistFailing = false
    try {
      const generation = await client.hincrby(keys.meta, 'generation', 1)
      state.persistent = new RedisEventStore(client, keys, generation, onError)
      state.ledger = new BestEffortLedger(client, keys, onError)
      state.topology = new TopologyStore(client, keys, (id) => buildChannelDoc(state, id), onError)
      if (crash === null) {
        const wasRunning = await client.exists(keys.running)
        report.unclean = wasRunning === 1
        const counts = await client.hvals(keys.bestEffort)
        report.bestEffortLost = counts.reduce((n, c) => n + (Number(c) || 0), 0)
      }
      await client.del(keys.bestEffort)
      await client.set(keys.running, randomBytes(8).toString('hex'))
      docs = await state.topology.load()
      nextChannel = Number(await client.hget(keys.meta, 'nextChannel')) || 0
      const wanted = new Set<string>()
      for (const doc of docs) {
        for (const p of doc.proxies) {
          if (p.ref.side === 'consumer')
            wanted.add(consumerKey(doc.id, p.ref.adminId, p.ref.proxyId))
        }
      }
      for (const key of await state.persistent.consumers()) {
        if (wanted.has(key)) stored.set(key, await state.persistent.load(key))
        else await state.persistent.purge(key)
      }
    } catch (err) {
      onError(err instanceof Error ? err : new Error(String(err)))
    }
  }
  const ledger = state.ledger ?? new BestEffortLedger(null, keys, onError)
  state.ledger = ledger
  const options: EventChannelOptions = { ...state.channelOptions, bestEffortStore: ledger }
  if (state.persistent !== null) options.persistentStore = state.persistent
  state.factory = new EventChannelFactory(options)
  for (const doc of docs) {
    try {
      restoreChannel(state, doc, stored, report)
    } catch (err) {
      onError(new Error(`channel ${doc.id} could not be restored: ${(err as Error).message}`))
    }
  }
  for (const key of stored.keys()) state.persistent?.dropLoaded(key)
  burnChannelIds(state, nextChannel)
  for (const doc of docs) restoreFederation(state, doc)
  for (const doc of docs) state.topology?.markDirty(doc.id)
  state.lastRestart = { at: Date.now(), ...report }
  if (report.bestEffortLost > 0 || report.channelsRestored > 0) {
    state.note(
      'restored',
      report.bestEffortLost > 0 ? 'warn' : 'info',
      `restored ${report.channelsRestored} channels, ${report.proxiesRestored} proxies, ` +
        `${report.eventsRestored} persistent events; ${report.bestEffortLost} best-effort events lost`,
      { ...report }
    )
  }
}

/** Tears the in-memory lab down; `clean` also flushes what persistence still has to write. */
export async function teardownLab(state: LabState, clean: boolean): Promise<void> {
  if (clean) {
    await state.topology?.flushed()
    await state.ledger?.flushed()
    await state.persistent?.flushed()
  }
  state.topology?.detach()
  state.ledger?.detach()
  state.persistent?.detach()
  const factory = state.factory
  for (const id of factory?.get_all_channels() ?? []) {
    const channel = factory?.get_event_channel(id)
    if (channel !== undefined) addCounters(state.retired, channel.toInfo().counters)
  }
  await factory?.close().catch(() => undefined)
  state.factory = null
  state.meta.clear()
  state.clients.clear()
  state.byProxy.clear()
  state.killSuspended.clear()
  state.topology = null
  state.persistent = null
  state.ledger = null
}
