import { CHANNELS_INFO_MAX_BYTES, type ChannelsInfo } from '@shared/contract/labs/channels'

/** Drops details (queue entries, then received lists, then proxy lists) until the info fits. */
export function boundInfo(info: ChannelsInfo): ChannelsInfo {
  const size = (): number => JSON.stringify(info).length
  if (size() <= CHANNELS_INFO_MAX_BYTES) return info
  info.trimmed = true
  for (const c of info.channels) {
    for (const a of c.consumerAdmins) {
      for (const p of a.proxies) {
        p.queue.entries = []
        p.queue.detailed = p.queue.length === 0
      }
    }
  }
  if (size() <= CHANNELS_INFO_MAX_BYTES) return info
  for (const client of info.clients) client.lastReceived = client.lastReceived.slice(-5)
  if (size() <= CHANNELS_INFO_MAX_BYTES) return info
  for (const c of info.channels) {
    for (const a of c.consumerAdmins) a.proxies = a.proxies.slice(0, 8)
    for (const a of c.supplierAdmins) a.proxies = a.proxies.slice(0, 8)
    c.discovery = c.discovery.slice(0, 8)
  }
  info.filters = info.filters.slice(0, 16)
  info.clients = info.clients.slice(0, 16)
  if (size() <= CHANNELS_INFO_MAX_BYTES) return info
  info.channels = info.channels.slice(0, 4)
  return info
}
