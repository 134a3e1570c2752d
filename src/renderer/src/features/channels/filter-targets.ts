import type { ChannelInfoJson, ChannelsInfo, FilterTarget } from '@shared/contract/labs/channels'

/** Everything on a channel a filter can attach to, named as the student knows it. */
export function filterTargets(
  channel: ChannelInfoJson,
  info: ChannelsInfo
): { label: string; target: FilterTarget }[] {
  const targets: { label: string; target: FilterTarget }[] = []
  const names = new Map(info.clients.map((c) => [c.id, c.label ?? c.id]))
  for (const admin of channel.consumerAdmins) {
    for (const p of admin.proxies) {
      const who = p.client.kind === 'lab' && p.client.id ? names.get(p.client.id) : p.client.label
      targets.push({
        label: `consumer ${who ?? `${admin.id}/${p.ref.proxyId}`} (proxy ${admin.id}/${p.ref.proxyId})`,
        target: {
          channelId: channel.id,
          side: 'consumer',
          adminId: admin.id,
          proxyId: p.ref.proxyId
        }
      })
    }
    targets.push({
      label: `ConsumerAdmin ${admin.id}`,
      target: { channelId: channel.id, side: 'consumer', adminId: admin.id }
    })
  }
  for (const admin of channel.supplierAdmins) {
    targets.push({
      label: `SupplierAdmin ${admin.id}`,
      target: { channelId: channel.id, side: 'supplier', adminId: admin.id }
    })
  }
  return targets
}
