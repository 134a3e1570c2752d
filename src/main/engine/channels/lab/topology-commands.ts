import { CommandError, ErrorCode } from '@shared/contract'
import type {
  ChannelsCommandOf,
  PropertyJson,
  ProxyRefJson,
  QoSTarget
} from '@shared/contract/labs/channels'
import { InterFilterGroupOperator, type ProxyBase } from '../model'
import { connectProxy, obtainProxy } from '../proxy-ops'
import { adoptChannel } from './adopt-channel'
import { markDirty, type LabState } from './lab-state'
import { adminOf, channelOf, factoryOf, proxyOf } from './lookups'

// Commands that shape the topology: channels, admins, QoS and federation links.

export function createChannel(
  state: LabState,
  command: ChannelsCommandOf<'channels:create'>
): { channelId: number } {
  const wantsPersistence = command.qos.some(
    (p) => (p.name === 'EventReliability' || p.name === 'ConnectionReliability') && p.value === 1
  )
  if (wantsPersistence && state.persistent === null) {
    throw new CommandError(
      ErrorCode.RedisUnavailable,
      'Persistent reliability keeps channels and events in Redis, and Redis is not available'
    )
  }
  const channel = factoryOf(state).create_channel(command.qos, command.admin)
  adoptChannel(state, channel, command.label ?? null)
  void state.client?.hset(state.keys.meta, 'nextChannel', channel.id + 1).catch(() => undefined)
  state.note('channel-created', 'info', `channel ${channel.id} created`, {
    channelId: channel.id
  })
  return { channelId: channel.id }
}

export function destroyChannel(state: LabState, channelId: number): null {
  channelOf(state, channelId).destroy()
  state.note('channel-destroyed', 'info', `channel ${channelId} destroyed`, { channelId })
  return null
}

export function setAdmin(state: LabState, command: ChannelsCommandOf<'channels:setAdmin'>): null {
  channelOf(state, command.channelId).set_admin(command.admin)
  markDirty(state, command.channelId)
  return null
}

export function newAdmin(
  state: LabState,
  command: ChannelsCommandOf<'channels:newAdmin'>
): { adminId: number } {
  const channel = channelOf(state, command.channelId)
  const op =
    command.operator === 'AND_OP' ? InterFilterGroupOperator.AND_OP : InterFilterGroupOperator.OR_OP
  const admin =
    command.side === 'consumer' ? channel.new_for_consumers(op) : channel.new_for_suppliers(op)
  if (command.qos.length > 0) {
    try {
      admin.set_qos(command.qos)
    } catch (err) {
      admin.destroy()
      throw err
    }
  }
  markDirty(state, command.channelId)
  return { adminId: admin.MyID }
}

export function destroyAdmin(
  state: LabState,
  command: ChannelsCommandOf<'channels:destroyAdmin'>
): null {
  adminOf(state, command.channelId, command.side, command.adminId).destroy()
  markDirty(state, command.channelId)
  return null
}

/** QoS on the channel, an admin or a proxy, whichever the target names last. */
export function setQoS(state: LabState, target: QoSTarget, qos: PropertyJson[]): null {
  const channel = channelOf(state, target.channelId)
  if (target.side === undefined) {
    channel.set_qos(qos)
  } else if (target.proxyId === undefined) {
    adminOf(state, target.channelId, target.side, target.adminId ?? 0).set_qos(qos)
  } else {
    proxyOf(state, {
      channelId: target.channelId,
      side: target.side,
      adminId: target.adminId ?? 0,
      proxyId: target.proxyId
    }).set_qos(qos)
  }
  markDirty(state, target.channelId)
  return null
}

/** Links two channels: a consumer proxy on `from` feeds a supplier proxy on `to`. */
export function federate(
  state: LabState,
  command: ChannelsCommandOf<'channels:federate'>
): { upstream: ProxyRefJson; downstream: ProxyRefJson } {
  const from = channelOf(state, command.from)
  const to = channelOf(state, command.to)
  const push = command.mode === 'push'
  const up = obtainProxy(from, 0, push ? 'push-consumer' : 'pull-consumer', command.kind, false)
  let down: ProxyBase | null = null
  try {
    down = obtainProxy(to, 0, push ? 'push-supplier' : 'pull-supplier', command.kind, false)
    if (push) {
      connectProxy(down, up)
      connectProxy(up, down)
    } else {
      connectProxy(up, down)
      connectProxy(down, up)
    }
  } catch (err) {
    up.destroyProxy('channel', 'federation refused', false)
    down?.destroyProxy('channel', 'federation refused', false)
    throw err
  }
  markDirty(state, from.id)
  markDirty(state, to.id)
  state.note('federated', 'info', `channel ${from.id} → channel ${to.id} (${command.mode})`, {
    from: from.id,
    to: to.id
  })
  return { upstream: up.ref, downstream: down.ref }
}
