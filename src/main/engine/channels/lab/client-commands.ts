import { CommandError, ErrorCode } from '@shared/contract'
import type {
  ChannelsCommandOf,
  ChannelsConnectResult,
  JsonValue,
  ProxyRefJson
} from '@shared/contract/labs/channels'
import type { ChannelEvent } from '../event'
import { LabClient } from '../lab-client'
import { NotifyError, NotifyErrorCode, ProxyConsumer, ProxySupplier } from '../model'
import {
  connectProxy,
  disconnectProxy,
  eventsForKind,
  hasPersistentConnection,
  isSuspendable,
  obtainProxy,
  pullFrom,
  pushInto,
  refKey,
  tryPullFrom
} from '../proxy-ops'
import { markDirty, type LabState } from './lab-state'
import { channelOf, labClientOf, proxyOf, proxyOrNull, registerClient } from './lookups'

// Commands of the in-process lab clients and of the proxies they (or anyone) hold.

/** Obtains a proxy of the role and kind and connects a new lab client to it. */
export function connectClient(
  state: LabState,
  command: ChannelsCommandOf<'channels:connect'>
): ChannelsConnectResult {
  const channel = channelOf(state, command.channelId)
  const proxy = obtainProxy(channel, command.adminId, command.role, command.kind, command.cosEvent)
  const id = `c${state.nextClient++}`
  const client = new LabClient(id, command.role, command.kind, proxy.ref, command.label ?? null)
  registerClient(state, client)
  try {
    if (command.qos.length > 0) proxy.set_qos(command.qos)
    connectProxy(proxy, client)
  } catch (err) {
    state.clients.delete(id)
    proxy.destroyProxy('channel', 'connect failed', false)
    throw err
  }
  markDirty(state, command.channelId)
  return { clientId: id, proxy: proxy.ref }
}

export function disconnectClient(state: LabState, clientId: string): null {
  const client = labClientOf(state, clientId)
  disconnectProxy(proxyOf(state, client.proxy))
  client.state = 'disconnected'
  return null
}

export function destroyProxy(state: LabState, ref: ProxyRefJson): null {
  proxyOf(state, ref).destroyProxy('channel', 'destroyed from the console', true)
  return null
}

/** The client stops answering, as a crashed process would; the channel decides what follows. */
export function killClient(state: LabState, clientId: string): null {
  const client = labClientOf(state, clientId)
  if (client.state !== 'connected') {
    throw new CommandError(ErrorCode.InvalidState, `${clientId} is ${client.state}`)
  }
  client.state = 'killed'
  const proxy = proxyOrNull(state, client.proxy)
  if (
    proxy !== null &&
    client.role === 'push-consumer' &&
    hasPersistentConnection(proxy) &&
    isSuspendable(proxy) &&
    !proxy.isSuspended
  ) {
    // ConnectionReliability=Persistent: the channel keeps the consumer's place and its queue
    // until it comes back, instead of failing deliveries and destroying the proxy.
    proxy.suspend_connection()
    state.killSuspended.add(refKey(client.proxy))
  }
  markDirty(state, client.proxy.channelId)
  state.note('client-killed', 'warn', `lab client ${clientId} killed`, { clientId })
  return null
}

export function reviveClient(state: LabState, clientId: string): null {
  const client = labClientOf(state, clientId)
  if (client.state !== 'killed') {
    throw new CommandError(ErrorCode.InvalidState, `${clientId} is ${client.state}, not killed`)
  }
  const proxy = proxyOrNull(state, client.proxy)
  if (proxy === null) {
    client.state = 'disconnected'
    throw new CommandError(
      ErrorCode.InvalidState,
      `the channel already destroyed ${clientId}'s proxy (ConnectionReliability is BestEffort)`
    )
  }
  client.state = 'connected'
  const key = refKey(client.proxy)
  if (state.killSuspended.delete(key) && isSuspendable(proxy) && proxy.isSuspended) {
    proxy.resume_connection()
  }
  markDirty(state, client.proxy.channelId)
  return null
}

export function suspendProxy(state: LabState, ref: ProxyRefJson): null {
  const proxy = proxyOf(state, ref)
  if (!isSuspendable(proxy)) {
    throw new NotifyError(
      NotifyErrorCode.NO_IMPLEMENT,
      'only push proxy suppliers and pull proxy consumers can be suspended'
    )
  }
  proxy.suspend_connection()
  markDirty(state, ref.channelId)
  return null
}

export function resumeProxy(state: LabState, ref: ProxyRefJson): null {
  const proxy = proxyOf(state, ref)
  if (!isSuspendable(proxy)) {
    throw new NotifyError(
      NotifyErrorCode.NO_IMPLEMENT,
      'only push proxy suppliers and pull proxy consumers can be resumed'
    )
  }
  proxy.resume_connection()
  state.killSuspended.delete(refKey(ref))
  markDirty(state, ref.channelId)
  return null
}

/** A push supplier pushes now; a pull supplier buffers until the channel pulls. */
export function pushEvents(
  state: LabState,
  command: ChannelsCommandOf<'channels:push'>
): { accepted: number; rejected: number } {
  const client = labClientOf(state, command.clientId)
  if (client.role !== 'push-supplier' && client.role !== 'pull-supplier') {
    throw new CommandError(ErrorCode.InvalidCommand, `${client.id} is a consumer; it cannot push`)
  }
  if (client.state !== 'connected') {
    throw new CommandError(ErrorCode.InvalidState, `${client.id} is ${client.state}`)
  }
  const events = eventsForKind(client.kind, command.events as JsonValue[])
  if (client.role === 'pull-supplier') {
    client.buffer(events)
    return { accepted: events.length, rejected: 0 }
  }
  const proxy = proxyOf(state, client.proxy)
  try {
    const accepted = pushInto(proxy, client.kind, events)
    client.supplied += accepted
    client.lastError = null
    return { accepted, rejected: 0 }
  } catch (err) {
    client.lastError = err instanceof Error ? err.message : String(err)
    if (err instanceof NotifyError && err.code === NotifyErrorCode.IMP_LIMIT) {
      throw new CommandError(
        ErrorCode.InvalidState,
        'IMP_LIMIT: the channel holds MaxQueueLength events and RejectNewEvents is TRUE; the push was refused'
      )
    }
    throw err
  }
}

/**
 * A pull consumer pulls: what is there now, or (mode `pull`) a pull that stays pending until
 * events arrive; its events then show in the client's received list.
 */
export function pullEvents(state: LabState, command: ChannelsCommandOf<'channels:pull'>): unknown {
  const client = labClientOf(state, command.clientId)
  if (client.role !== 'pull-consumer') {
    throw new CommandError(ErrorCode.InvalidCommand, `${client.id} is not a pull consumer`)
  }
  const proxy = proxyOf(state, client.proxy)
  const now = tryPullFrom(proxy, client.kind, command.max)
  if (now.length > 0 || command.mode === 'try_pull') {
    client.record(now)
    return { hasEvent: now.length > 0, events: now.map(eventJson), pending: false }
  }
  client.pendingPulls++
  void pullFrom(proxy, client.kind, command.max).then(
    (events) => {
      client.pendingPulls--
      client.record(events)
    },
    (err: unknown) => {
      client.pendingPulls--
      client.lastError = err instanceof Error ? err.message : String(err)
    }
  )
  return { hasEvent: false, events: [], pending: true }
}

export function offerChange(
  state: LabState,
  command: ChannelsCommandOf<'channels:offerChange'>
): null {
  const proxy = proxyOf(state, labClientOf(state, command.clientId).proxy)
  if (!(proxy instanceof ProxyConsumer)) {
    throw new CommandError(ErrorCode.InvalidCommand, 'offer_change is for suppliers')
  }
  proxy.offer_change(command.added, command.removed)
  return null
}

export function subscriptionChange(
  state: LabState,
  command: ChannelsCommandOf<'channels:subscriptionChange'>
): null {
  const proxy = proxyOf(state, labClientOf(state, command.clientId).proxy)
  if (!(proxy instanceof ProxySupplier)) {
    throw new CommandError(ErrorCode.InvalidCommand, 'subscription_change is for consumers')
  }
  proxy.subscription_change(command.added, command.removed)
  return null
}

function eventJson(event: ChannelEvent): JsonValue {
  return event.kind === 'any' ? event.data : (event.event as unknown as JsonValue)
}
