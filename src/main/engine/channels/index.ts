import { CHANNELS_DEFAULT_ENDPOINT, channelsContract } from '@shared/contract/labs/channels'
import type { ChannelsCommand, ChannelsInfo } from '@shared/contract/labs/channels'
import type { LabDefinition, LabHost } from '../lab'
import { ChannelsLab } from './channels-lab'

/** Where remote clients go when the usual port is taken: any free loopback port (and it is said). */
const FALLBACK_ENDPOINT = 'tcp://127.0.0.1:0'

/**
 * The Channels lab as the registry makes it. Setting `endpoint`: where remote channel clients
 * connect (docs/CHANNELS-PROTOCOL.md); default CHANNELS_DEFAULT_ENDPOINT, and when that port is
 * taken a free one is used instead (and said); `null` = no remote endpoint. Setting `prefix`: the
 * Redis key prefix of what the lab persists (tests give each host its own). Setting `curve`: ZeroMQ
 * CURVE on the endpoint (absent: on for a non-loopback endpoint, off on loopback).
 */
export const channelsLab: LabDefinition<ChannelsInfo, ChannelsCommand> = {
  id: 'channels',
  contract: channelsContract,
  create: (context) => {
    const chosen = context.settings.endpoint
    const endpoint = typeof chosen === 'string' || chosen === null ? chosen : undefined
    const prefix = context.settings.prefix
    const curve = context.settings.curve
    return new ChannelsLab({
      redis: context.redis,
      emit: context.emit,
      ...(typeof prefix === 'string' ? { prefix } : {}),
      ...(typeof curve === 'boolean' ? { curve } : {}),
      dataDir: context.dataDir,
      endpoint: endpoint === undefined ? CHANNELS_DEFAULT_ENDPOINT : endpoint,
      ...(endpoint === undefined ? { fallbackEndpoint: FALLBACK_ENDPOINT } : {})
    })
  }
}

/** The engine's Channels lab, typed (for tests in the main process). */
export function channelsLabOf(engine: LabHost): ChannelsLab {
  const lab = engine.lab(channelsLab.id)
  if (!(lab instanceof ChannelsLab)) throw new Error('this engine runs no Channels lab')
  return lab
}

export { ChannelsLab }
