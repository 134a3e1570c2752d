import type { EventType, JsonValue } from '../event'
import type { QoSErrorCode } from './constants'

/**
 * Stable codes of every exception the channel model raises: the user exceptions of CosEventComm,
 * CosEventChannelAdmin, CosNotification, CosNotifyComm, CosNotifyChannelAdmin and CosNotifyFilter
 * (digest §2.11), the CORBA system exceptions the digest uses, and one lab extension
 * (FEDERATION_CYCLE). The remote protocol and the UI carry these strings unchanged.
 */
export const NotifyErrorCode = {
  /** CosEventComm::Disconnected: the target proxy is not (or no longer) connected. */
  DISCONNECTED: 'Disconnected',
  /** CosEventChannelAdmin::AlreadyConnected: a proxy serves one client for its whole life. */
  ALREADY_CONNECTED: 'AlreadyConnected',
  /** CosEventChannelAdmin::TypeError: the client lacks a method the proxy must call. */
  TYPE_ERROR: 'TypeError',
  /** CosNotification::UnsupportedQoS{qos_err}. */
  UNSUPPORTED_QOS: 'UnsupportedQoS',
  /** CosNotification::UnsupportedAdmin{admin_err}. */
  UNSUPPORTED_ADMIN: 'UnsupportedAdmin',
  /** CosNotifyComm::InvalidEventType{type}. */
  INVALID_EVENT_TYPE: 'InvalidEventType',
  CONNECTION_ALREADY_ACTIVE: 'ConnectionAlreadyActive',
  CONNECTION_ALREADY_INACTIVE: 'ConnectionAlreadyInactive',
  NOT_CONNECTED: 'NotConnected',
  ADMIN_NOT_FOUND: 'AdminNotFound',
  PROXY_NOT_FOUND: 'ProxyNotFound',
  CHANNEL_NOT_FOUND: 'ChannelNotFound',
  /** CosNotifyChannelAdmin::AdminLimitExceeded{admin_property_err}. */
  ADMIN_LIMIT_EXCEEDED: 'AdminLimitExceeded',
  /** CosNotifyFilter::FilterNotFound. */
  FILTER_NOT_FOUND: 'FilterNotFound',
  /** CORBA::BAD_PARAM: nil reference where one is required, bad enum value. */
  BAD_PARAM: 'BAD_PARAM',
  /** CORBA::OBJECT_NOT_EXIST: the object was destroyed. */
  OBJECT_NOT_EXIST: 'OBJECT_NOT_EXIST',
  /** CORBA::IMP_LIMIT: the channel is full and RejectNewEvents is TRUE. */
  IMP_LIMIT: 'IMP_LIMIT',
  /** CORBA::NO_IMPLEMENT: the operation is not available on this object. */
  NO_IMPLEMENT: 'NO_IMPLEMENT',
  /** Lab extension: connecting two local proxies would close a federation cycle (digest §1.6). */
  FEDERATION_CYCLE: 'FederationCycle'
} as const
export type NotifyErrorCode = (typeof NotifyErrorCode)[keyof typeof NotifyErrorCode]

/** CosNotification::PropertyRange. */
export interface PropertyRange {
  low_val: JsonValue
  high_val: JsonValue
}

/** CosNotification::PropertyError: why one QoS or admin property was refused. */
export interface PropertyError {
  /** QoSError_code value (digest §3.1). */
  code: QoSErrorCode
  /** The property name as given by the caller. */
  name: string
  /** The legal (or supported) range of the property; `null` bounds when not numeric. */
  available_range: PropertyRange
}

/** CosNotifyChannelAdmin::AdminLimit: the limit that `obtain_notification_*` would have exceeded. */
export interface AdminLimit {
  name: string
  value: JsonValue
}

/** Optional members of the exception, present according to its code. */
export interface NotifyErrorDetails {
  /** UnsupportedQoS.qos_err / UnsupportedAdmin.admin_err. */
  propertyErrors?: PropertyError[]
  /** AdminLimitExceeded.admin_property_err. */
  adminLimit?: AdminLimit
  /** InvalidEventType.type. */
  eventType?: EventType
  /** IMP_LIMIT: which bound of the lab refused the call (e.g. `event-too-large`), for counting. */
  reason?: string
}

/**
 * The one error class of the channel model. `code` is stable and what callers switch on; the
 * message is safe to show; `details` carries the exception's members.
 */
export class NotifyError extends Error {
  readonly code: NotifyErrorCode
  readonly details: NotifyErrorDetails

  /**
   * @param code - which exception this is
   * @param message - human-readable explanation (defaults to the code)
   * @param details - exception members such as the property errors of UnsupportedQoS
   */
  constructor(code: NotifyErrorCode, message?: string, details: NotifyErrorDetails = {}) {
    super(message ?? code)
    this.name = 'NotifyError'
    this.code = code
    this.details = details
  }

  /** The property errors of UnsupportedQoS / UnsupportedAdmin (empty for other codes). */
  get propertyErrors(): PropertyError[] {
    return this.details.propertyErrors ?? []
  }
}

/**
 * True when an error thrown by a client means "this peer is gone for good" (digest §1.2, §2.5):
 * CosEventComm::Disconnected or OBJECT_NOT_EXIST, recognised by code so that remote adapters can
 * raise them without this class.
 */
export function isPermanentClientError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false
  const code = (err as { code?: unknown }).code
  return code === NotifyErrorCode.DISCONNECTED || code === NotifyErrorCode.OBJECT_NOT_EXIST
}
