/**
 * Wire protocol v2, the pipelined worker mode (docs/PROTOCOL.md is the user-facing text): one
 * message carries a batch of epochs, so a ZeroMQ call moves many epochs instead of one.
 *
 * Request, after the envelope `[dispatcher id, empty]`: frame 0 = UTF-8 JSON header
 * `{"v":2,"lab":"<id>","semantics":"<mode>","sentAt":<ms>,"ms":<work ms>,"ttlMs":<dedup TTL ms>}`,
 * frame 1 = the epochs, binary: n entries of 8 bytes, uint32 LE epoch then uint32 LE attempt.
 * Reply, after the same envelope: frame 0 = UTF-8 JSON `{"v":2,"worker":"<id>"}`, frame 1 = n
 * entries of 8 bytes, uint32 LE epoch then uint32 LE status (BatchStatus), in any order.
 *
 * Only relative imports here: the worker process loads this file too.
 */
import type { Semantics } from '../../../shared/contract/labs/dispatch'
import { SEMANTICS } from '../../../shared/contract/labs/dispatch'
import { WORKER_ID_MAX_CHARS, type Parsed, type ReplyStatus } from './protocol'

export const BATCH_PROTOCOL_VERSION = 2
/** Bytes per epoch entry in a request's or a reply's binary frame. */
export const BATCH_ENTRY_BYTES = 8
/** Most epochs in one batch (the dispatcher sends at most this many per message). */
export const BATCH_EPOCHS_MAX = 1_024
/** A reply's status codes. */
export const BatchStatus = { Done: 0, Duplicate: 1, Failed: 2 } as const
export type BatchStatus = (typeof BatchStatus)[keyof typeof BatchStatus]

const STATUS_NAMES: readonly ReplyStatus[] = ['done', 'duplicate', 'failed']

export interface BatchHeader {
  v: 2
  lab: string
  semantics: Semantics
  sentAt: number
  ms: number
  ttlMs: number
}

/** `lab` is validated by LAB_ID_PATTERN, so it needs no escaping. */
export function encodeBatchHeader(h: Omit<BatchHeader, 'v'>): string {
  return `{"v":2,"lab":"${h.lab}","semantics":"${h.semantics}","sentAt":${h.sentAt},"ms":${h.ms},"ttlMs":${h.ttlMs}}`
}

export function encodeBatchReplyHeader(worker: string): string {
  return `{"v":2,"worker":${JSON.stringify(worker)}}`
}

/** True when a request's first frame (after the envelope) is a v2 batch header. */
export function isBatchHeader(frame: Buffer | undefined): boolean {
  // '{"v":2' — checked by bytes, without making a string.
  return (
    frame !== undefined &&
    frame.length > 6 &&
    frame[0] === 0x7b &&
    frame[1] === 0x22 &&
    frame[2] === 0x76 &&
    frame[5] === 0x32
  )
}

function parseObject(buf: Buffer): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(buf.toString('utf8'))
    return typeof v === 'object' && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : null
  } catch {
    return null
  }
}

/** Checks an epochs or statuses frame: 1..BATCH_EPOCHS_MAX whole entries. */
export function batchEntries(frame: Buffer | undefined): number {
  if (!frame || frame.length === 0 || frame.length % BATCH_ENTRY_BYTES !== 0) return -1
  const n = frame.length / BATCH_ENTRY_BYTES
  return n <= BATCH_EPOCHS_MAX ? n : -1
}

/** Validates a v2 request as a worker receives it (after the envelope). */
export function parseBatchRequest(
  frames: Buffer[],
  lab?: string
): Parsed<{ header: BatchHeader; epochs: Buffer }> {
  if (frames.length !== 2) {
    return { ok: false, reason: 'frame-count', detail: `expected 2 frames, got ${frames.length}` }
  }
  const [headerFrame, epochs] = frames as [Buffer, Buffer]
  if (headerFrame.length > 1_024) {
    return { ok: false, reason: 'oversize', detail: `header of ${headerFrame.length} bytes` }
  }
  if (batchEntries(epochs) < 0) {
    return { ok: false, reason: 'shape', detail: `epochs frame of ${epochs.length} bytes` }
  }
  const h = parseObject(headerFrame)
  if (!h) return { ok: false, reason: 'bad-json', detail: 'batch header is not a JSON object' }
  if (h.v !== BATCH_PROTOCOL_VERSION) {
    return { ok: false, reason: 'version', detail: `unsupported version ${String(h.v)}` }
  }
  if (typeof h.lab !== 'string' || (lab !== undefined && h.lab !== lab)) {
    return { ok: false, reason: 'lab', detail: `wrong lab ${String(h.lab)}` }
  }
  if (
    typeof h.semantics !== 'string' ||
    !(SEMANTICS as readonly string[]).includes(h.semantics) ||
    typeof h.sentAt !== 'number'
  ) {
    return { ok: false, reason: 'shape', detail: 'batch header fields missing or wrong' }
  }
  const ms = typeof h.ms === 'number' && h.ms >= 0 ? h.ms : 0
  const ttlMs = typeof h.ttlMs === 'number' && h.ttlMs >= 1 ? Math.floor(h.ttlMs) : 3_600_000
  return {
    ok: true,
    value: {
      header: {
        v: 2,
        lab: h.lab,
        semantics: h.semantics as Semantics,
        sentAt: h.sentAt,
        ms,
        ttlMs
      },
      epochs
    }
  }
}

const REPLY_PREFIX = '{"v":2,"worker":"'

/**
 * Validates a v2 reply (header and statuses frames) and calls `each` per entry.
 * @returns the worker id, or why the reply was rejected.
 */
export function parseBatchReply(
  header: Buffer,
  statuses: Buffer,
  each: (epoch: number, status: ReplyStatus, worker: string) => void
): Parsed<string> {
  if (header.length > 1_024) {
    return { ok: false, reason: 'oversize', detail: `reply header of ${header.length} bytes` }
  }
  const n = batchEntries(statuses)
  if (n < 0) {
    return { ok: false, reason: 'shape', detail: `statuses frame of ${statuses.length} bytes` }
  }
  let worker: string | null = null
  const text = header.toString('utf8')
  if (text.startsWith(REPLY_PREFIX) && text.endsWith('"}')) {
    const id = text.slice(REPLY_PREFIX.length, -2)
    if (!id.includes('"') && !id.includes('\\')) worker = id
  }
  if (worker === null) {
    const h = parseObject(header)
    if (!h) return { ok: false, reason: 'bad-json', detail: 'reply header is not a JSON object' }
    if (h.v !== BATCH_PROTOCOL_VERSION) {
      return { ok: false, reason: 'version', detail: `unsupported version ${String(h.v)}` }
    }
    if (typeof h.worker !== 'string' || h.worker.length === 0) {
      return { ok: false, reason: 'shape', detail: 'reply header without a worker id' }
    }
    worker = h.worker
  }
  if (worker.length === 0 || worker.length > WORKER_ID_MAX_CHARS) {
    return {
      ok: false,
      reason: 'worker-id',
      detail: `worker id of ${worker.length} characters (1 to ${WORKER_ID_MAX_CHARS})`
    }
  }
  for (let i = 0; i < n; i++) {
    const code = statuses.readUInt32LE(i * BATCH_ENTRY_BYTES + 4)
    const status = STATUS_NAMES[code]
    if (status === undefined) {
      return { ok: false, reason: 'shape', detail: `status code ${code}` }
    }
  }
  for (let i = 0; i < n; i++) {
    const at = i * BATCH_ENTRY_BYTES
    const status = STATUS_NAMES[statuses.readUInt32LE(at + 4)] as ReplyStatus
    each(statuses.readUInt32LE(at), status, worker)
  }
  return { ok: true, value: worker }
}

/** The epoch of entry `i` of an epochs or statuses frame. */
export function entryEpoch(frame: Buffer, i: number): number {
  return frame.readUInt32LE(i * BATCH_ENTRY_BYTES)
}

/** A frame holding entries `picked` of `frame`, in that order (copied). */
export function pickEntries(frame: Buffer, picked: readonly number[]): Buffer {
  const out = Buffer.allocUnsafe(picked.length * BATCH_ENTRY_BYTES)
  picked.forEach((i, k) =>
    frame.copy(out, k * BATCH_ENTRY_BYTES, i * BATCH_ENTRY_BYTES, (i + 1) * BATCH_ENTRY_BYTES)
  )
  return out
}
