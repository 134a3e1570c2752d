import { randomBytes } from 'node:crypto'
import type {
  ChannelCountersInfo,
  ChannelsInfo,
  ChannelsRecording
} from '@shared/contract/labs/channels'
import type { ScenarioOutcome } from '@shared/contract/scenario'
import type { ScenarioAdapter, ScenarioIssue } from '../scenario-adapter'
import { channelsLab, channelsLabOf } from './index'

/**
 * The Channels lab's scenario adapter. The lab has no run of its own: a channels scenario is a
 * script (`steps`) of channels commands with waits, and its outcome is what the lab shows once
 * the script is done, named by the labels the script gave its channels and clients:
 * `client.<label>.received`, `channel.<label>.discardedBy.LifoOrder`, `persistence.eventsRestored`;
 * facts `client.<label>.order` (the event names it received, oldest first), `.state`, `.lastError`.
 */

const CLIENT_COUNTS = ['received', 'supplied', 'buffered', 'pendingPulls', 'notifications']
const CHANNEL_COUNTS = [
  'received',
  'delivered',
  'filteredOut',
  'discarded',
  'expired',
  'rejected',
  'queued'
]
const PERSISTENCE_COUNTS = [
  'storedEvents',
  'channelsRestored',
  'proxiesRestored',
  'eventsRestored',
  'bestEffortLost'
]
const CLIENT_FACTS = ['order', 'state', 'lastError']
const label = '[A-Za-z0-9_-]{1,64}'
const COUNT_NAME = new RegExp(
  `^(client\\.${label}\\.(${CLIENT_COUNTS.join('|')})|channel\\.${label}\\.(${CHANNEL_COUNTS.join('|')}|discardedBy\\.[A-Za-z]{1,40})|persistence\\.(${PERSISTENCE_COUNTS.join('|')})|channels|clients)$`
)
const FACT_NAME = new RegExp(`^client\\.${label}\\.(${CLIENT_FACTS.join('|')})$`)

function counters(prefix: string, c: ChannelCountersInfo, out: Record<string, number>): void {
  out[`${prefix}.received`] = c.received
  out[`${prefix}.delivered`] = c.delivered
  out[`${prefix}.filteredOut`] = c.filteredOut
  out[`${prefix}.discarded`] = c.discarded
  out[`${prefix}.expired`] = c.expired
  out[`${prefix}.rejected`] = c.rejected
  for (const [reason, n] of Object.entries(c.discardedBy)) {
    out[`${prefix}.discardedBy.${reason}`] = n
  }
}

/** Counts and facts of the lab's view, by label (a later client with the same label wins). */
export function channelsObservations(info: ChannelsInfo): {
  counts: Record<string, number>
  facts: Record<string, string>
} {
  const counts: Record<string, number> = {
    channels: info.channelsTotal,
    clients: info.clientsTotal
  }
  const facts: Record<string, string> = {}
  for (const ch of info.channels) {
    const name = `channel.${ch.label ?? String(ch.id)}`
    counters(name, ch.counters, counts)
    counts[`${name}.queued`] = ch.queued
  }
  for (const c of info.clients) {
    const name = `client.${c.label ?? c.id}`
    counts[`${name}.received`] = c.received
    counts[`${name}.supplied`] = c.supplied
    counts[`${name}.buffered`] = c.buffered
    counts[`${name}.pendingPulls`] = c.pendingPulls
    counts[`${name}.notifications`] = c.notifications
    facts[`${name}.order`] = c.lastReceived.map((e) => e.eventName).join(',')
    facts[`${name}.state`] = c.state
    facts[`${name}.lastError`] = c.lastError ?? ''
  }
  const p = info.persistence
  counts['persistence.storedEvents'] = p.storedEvents
  counts['persistence.channelsRestored'] = p.lastRestart?.channelsRestored ?? 0
  counts['persistence.proxiesRestored'] = p.lastRestart?.proxiesRestored ?? 0
  counts['persistence.eventsRestored'] = p.lastRestart?.eventsRestored ?? 0
  counts['persistence.bestEffortLost'] = p.lastRestart?.bestEffortLost ?? 0
  return { counts, facts }
}

export const channelsScenario: ScenarioAdapter<null> = {
  lab: 'channels',
  definition: channelsLab,
  mode: 'script',
  triggers: [],
  names: {
    counts: [
      ...CLIENT_COUNTS.map((n) => `client.<label>.${n}`),
      ...CHANNEL_COUNTS.map((n) => `channel.<label>.${n}`),
      'channel.<label>.discardedBy.<policy or reason>',
      ...PERSISTENCE_COUNTS.map((n) => `persistence.${n}`),
      'channels',
      'clients'
    ],
    facts: CLIENT_FACTS.map((n) => `client.<label>.${n}`)
  },
  causes: [],
  keyCounts: [],

  settings(settings): ScenarioIssue[] {
    return Object.keys(settings).map((key) => ({
      path: `settings.${key}`,
      message: 'the Channels lab has no start settings; put its commands in steps'
    }))
  },

  knowsName(name, kind) {
    return (kind === 'count' ? COUNT_NAME : FACT_NAME).test(name)
  },

  engineOptions() {
    // No remote endpoint (nothing to bind), and keys of its own in a shared Redis.
    return {
      labs: {
        channels: { endpoint: null, prefix: `flowlab:scn-${randomBytes(4).toString('hex')}` }
      }
    }
  },

  record(engine): ChannelsRecording {
    const info = channelsLabOf(engine).toInfo()
    return {
      flow: info.flow,
      clients: info.clients.map((c) => ({ label: c.label, proxy: c.proxy }))
    }
  },

  outcome(engine): ScenarioOutcome {
    const { counts, facts } = channelsObservations(channelsLabOf(engine).toInfo())
    return {
      verdict: 'held',
      guarantee: 'every step behaved as the script says',
      causes: {},
      counts,
      facts,
      notes: []
    }
  }
}
