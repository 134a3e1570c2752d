/** Bounds of what the Channels lab shows; each keeps ChannelsInfo a bounded size. */

/** The default loopback endpoint of the remote-client ROUTER (docs/CHANNELS-PROTOCOL.md). */
export const CHANNELS_DEFAULT_ENDPOINT = 'tcp://127.0.0.1:5556'

/** Most channels listed in ChannelsInfo (the rest counted in `channelsTotal`). */
export const CHANNELS_INFO_CHANNELS_MAX = 32
/** Most proxies listed per admin. */
export const CHANNELS_INFO_PROXIES_MAX = 128
/** Queue entries shown per consumer (the first ones, in delivery order). */
export const CHANNELS_INFO_QUEUE_ENTRIES_MAX = 50
/** Consumers whose queue entries are shown (those of the viewed channel first). */
export const CHANNELS_INFO_QUEUE_DETAIL_MAX = 16
/** Last events kept per lab consumer. */
export const CHANNELS_INFO_RECEIVED_MAX = 50
/** Lab clients, filters and remote clients listed at most. */
export const CHANNELS_INFO_CLIENTS_MAX = 128
export const CHANNELS_INFO_FILTERS_MAX = 128
export const CHANNELS_INFO_REMOTE_MAX = 64
/** Longest event preview (JSON text, cut with `…`). */
export const CHANNELS_INFO_PREVIEW_CHARS = 240
/** Hard bound of the serialised ChannelsInfo; details are dropped to stay below it. */
export const CHANNELS_INFO_MAX_BYTES = 256 * 1024
/** Structured previews: most variable-header and filterable-data fields listed per event. */
export const CHANNELS_INFO_PREVIEW_FIELDS_MAX = 16
/** Structured previews: longest field value (JSON text, cut with `…`). */
export const CHANNELS_INFO_PREVIEW_VALUE_CHARS = 80
