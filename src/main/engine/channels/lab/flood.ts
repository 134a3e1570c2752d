import type { ChannelsCommandOf, JsonValue } from '@shared/contract/labs/channels'
import type { ChannelEvent } from '../event'
import { channelEventFromJson } from '../event-json'
import { LabClient } from '../lab-client'
import { NotifyError, NotifyErrorCode } from '../model'
import { connectProxy, obtainProxy, pushInto } from '../proxy-ops'
import type { LabState } from './lab-state'
import { channelOf, proxyOf, proxyOrNull, registerClient } from './lookups'

/** Flood pushes this many events per turn of the event loop, so commands and timers interleave. */
const FLOOD_CHUNK_EVENTS = 500

/**
 * Pushes `count` structured events through the channel's own flood supplier (`flood-<channel>`,
 * made on first use); events the channel refuses (IMP_LIMIT) are counted, not thrown.
 */
export async function flood(
  state: LabState,
  command: ChannelsCommandOf<'channels:flood'>
): Promise<{ accepted: number; rejected: number }> {
  const channel = channelOf(state, command.channelId)
  const id = `flood-${channel.id}`
  let client = state.clients.get(id)
  if (client === undefined || proxyOrNull(state, client.proxy) === null) {
    const proxy = obtainProxy(channel, 0, 'push-supplier', 'structured', false)
    client = new LabClient(id, 'push-supplier', 'structured', proxy.ref, 'flood')
    connectProxy(proxy, client)
    registerClient(state, client)
  }
  const proxy = proxyOf(state, client.proxy)
  const template =
    command.event === undefined ? null : channelEventFromJson(command.event as JsonValue)
  let accepted = 0
  let rejected = 0
  for (let i = 0; i < command.count; i++) {
    const event = floodEvent(template, i, command.priorities)
    try {
      pushInto(proxy, 'structured', [event])
      accepted++
    } catch (err) {
      if (err instanceof NotifyError && err.code === NotifyErrorCode.IMP_LIMIT) rejected++
      else throw err
    }
    if ((i + 1) % FLOOD_CHUNK_EVENTS === 0) await new Promise((r) => setImmediate(r))
  }
  client.supplied += accepted
  state.note(
    'flooded',
    'info',
    `channel ${channel.id} flooded: ${accepted} accepted, ${rejected} rejected`,
    {
      channelId: channel.id,
      accepted,
      rejected
    }
  )
  return { accepted, rejected }
}

function floodEvent(
  template: ChannelEvent | null,
  i: number,
  priorities: 'none' | 'cycle' | 'random'
): ChannelEvent {
  const priority =
    priorities === 'cycle'
      ? (i % 5) + 1
      : priorities === 'random'
        ? Math.floor(Math.random() * 21) - 10
        : null
  const base =
    template?.kind === 'structured'
      ? structuredClone(template.event)
      : {
          header: {
            fixed_header: {
              event_type: { domain_name: 'Flowlab', type_name: 'Flood' },
              event_name: `flood-${i + 1}`
            },
            variable_header: []
          },
          filterable_data: [{ name: 'n', value: i + 1 }],
          remainder_of_body: template?.kind === 'any' ? template.data : null
        }
  if (priority !== null) {
    base.header.variable_header = [
      { name: 'Priority', value: priority },
      ...base.header.variable_header.filter((p) => p.name !== 'Priority')
    ]
  }
  return { kind: 'structured', event: base }
}
