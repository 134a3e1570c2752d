/**
 * Wire protocol v1 between the dispatcher and workers (docs/PROTOCOL.md is the user-facing text).
 *
 * Request, as a REP worker receives it: frame 0 = UTF-8 JSON header
 * `{"v":1,"lab":"<id>","epoch":<int>,"attempt":<int>,"semantics":"<mode>","sentAt":<ms>}`,
 * frame 1 = UTF-8 JSON workload `{"op":"work","ms":<work ms>,"ttlMs":<dedup TTL ms>}`.
 * Reply: one frame `{"v":1,"epoch":<int>,"worker":"<id>","status":"done"|"duplicate"|"failed"}`.
 *
 * Only relative imports here: the worker process loads this file too.
 */
import type { Semantics } from '../../../shared/contract/labs/dispatch'
import { SEMANTICS } from '../../../shared/contract/labs/dispatch'

export const PROTOCOL_VERSION = 1

/**
 * Largest frame the lab reads from a peer on the public work endpoint, in bytes. Every frame of
 * protocol v1 is a small JSON object (a header or a reply is well under 1 KiB), so a larger one is
 * rejected unread as `oversize` before anything turns it into a string.
 */
export const WORK_FRAME_MAX_BYTES = 65_536
/**
 * libzmq's `maxMessageSize` on every socket a foreign peer can reach, in bytes: a peer that
 * announces a larger frame is disconnected before the frame is read, so no frame can cost the
 * engine more than this much memory. Above WORK_FRAME_MAX_BYTES so that a frame just over the
 * protocol's limit is still counted (by reason) rather than only dropped with its connection.
 */
export const WORK_SOCKET_MAX_BYTES = 262_144
/**
 * A peer that has not finished the ZMTP handshake this long after connecting (plain text, a port
 * scanner, an HTTP client) is disconnected and counted as a `handshake` reject, in ms (libzmq's
 * default is 30 s).
 */
export const WORK_HANDSHAKE_TIMEOUT_MS = 3_000
/** Length of a worker id in a reply, in characters (shown in the UI, stored in dedup marks). */
export const WORKER_ID_MAX_CHARS = 128

/** Frames of a request after the REP envelope: header, workload. */
export const RequestFrame = { Header: 0, Workload: 1, Count: 2 } as const
/** Frames of a reply after the REP envelope. */
export const ReplyFrame = { Body: 0, Count: 1 } as const

export type ReplyStatus = 'done' | 'duplicate' | 'failed'

export interface RequestHeader {
  v: 1
  lab: string
  epoch: number
  attempt: number
  semantics: Semantics
  sentAt: number
}

export interface Workload {
  op: 'work'
  ms: number
  ttlMs: number
}

export interface Reply {
  v: 1
  epoch: number
  worker: string
  status: ReplyStatus
  error?: string
}

/** Why a frame set was rejected; counted per reason and shown in the UI. */
export type RejectReason =
  | 'frame-count'
  | 'envelope'
  | 'bad-json'
  | 'version'
  | 'lab'
  | 'shape'
  | 'worker-id'
  | 'unknown-epoch'
  | 'oversize'
  | 'unreadable'

/** The first frame over WORK_FRAME_MAX_BYTES, as a reject detail; null when every one fits. */
export function oversizeFrame(frames: Buffer[]): string | null {
  for (const frame of frames) {
    if (frame.length > WORK_FRAME_MAX_BYTES) {
      return `frame of ${frame.length} bytes (at most ${WORK_FRAME_MAX_BYTES})`
    }
  }
  return null
}

/**
 * Builds the header by concatenation: the dispatcher sends one per message, and this is several
 * times cheaper than JSON.stringify of an object. `lab` is validated by LAB_ID_PATTERN, so it
 * needs no escaping.
 */
export function encodeHeader(
  lab: string,
  epoch: number,
  attempt: number,
  semantics: Semantics,
  sentAt: number
): string {
  return `{"v":1,"lab":"${lab}","epoch":${epoch},"attempt":${attempt},"semantics":"${semantics}","sentAt":${sentAt}}`
}

export function encodeReply(
  epoch: number,
  worker: string,
  status: ReplyStatus,
  error?: string
): string {
  return error === undefined
    ? `{"v":1,"epoch":${epoch},"worker":${JSON.stringify(worker)},"status":"${status}"}`
    : JSON.stringify({ v: 1, epoch, worker, status, error })
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function parseJson(buf: Buffer): unknown {
  try {
    return JSON.parse(buf.toString('utf8'))
  } catch {
    return undefined
  }
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: RejectReason; detail: string }

/** Validates a request as a worker receives it (after the REP envelope). */
export function parseRequest(
  frames: Buffer[],
  lab?: string
): Parsed<{ header: RequestHeader; workload: Workload }> {
  if (frames.length !== RequestFrame.Count) {
    return { ok: false, reason: 'frame-count', detail: `expected 2 frames, got ${frames.length}` }
  }
  const oversize = oversizeFrame(frames)
  if (oversize) return { ok: false, reason: 'oversize', detail: oversize }
  const headerFrame = frames[RequestFrame.Header] as Buffer
  const workloadFrame = frames[RequestFrame.Workload] as Buffer
  const fast = parseHeaderFast(headerFrame)
  if (fast && (lab === undefined || fast.lab === lab)) {
    const last = lastWorkload
    if (last && last.frame.equals(workloadFrame)) {
      return { ok: true, value: { header: fast, workload: last.workload } }
    }
  }
  const header = parseJson(headerFrame)
  const workload = parseJson(workloadFrame)
  if (!isRecord(header) || !isRecord(workload)) {
    return { ok: false, reason: 'bad-json', detail: 'header and workload must be JSON objects' }
  }
  if (header.v !== PROTOCOL_VERSION) {
    return { ok: false, reason: 'version', detail: `unsupported version ${String(header.v)}` }
  }
  if (typeof header.lab !== 'string' || (lab !== undefined && header.lab !== lab)) {
    return { ok: false, reason: 'lab', detail: `wrong lab ${String(header.lab)}` }
  }
  const { epoch, attempt, semantics, sentAt } = header
  if (
    !Number.isSafeInteger(epoch) ||
    !Number.isSafeInteger(attempt) ||
    (attempt as number) < 1 ||
    typeof semantics !== 'string' ||
    !(SEMANTICS as readonly string[]).includes(semantics) ||
    typeof sentAt !== 'number'
  ) {
    return { ok: false, reason: 'shape', detail: 'header fields missing or of the wrong type' }
  }
  const ms = typeof workload.ms === 'number' && workload.ms >= 0 ? workload.ms : 0
  const ttlMs =
    typeof workload.ttlMs === 'number' && workload.ttlMs >= 1 ? workload.ttlMs : 3_600_000
  const value: Workload = { op: 'work', ms, ttlMs }
  lastWorkload = { frame: Buffer.from(workloadFrame), workload: value }
  return { ok: true, value: { header: header as unknown as RequestHeader, workload: value } }
}

/**
 * The last valid workload frame and its parse. A run sends the same workload with every request,
 * so a worker parses it once (a Buffer compare instead of a JSON.parse per request). Treat the
 * cached object as read-only: every request of that workload shares it.
 */
let lastWorkload: { frame: Buffer; workload: Workload } | null = null

const HEADER_PREFIX = '{"v":1,"lab":"'

/**
 * Reads a header of the exact shape encodeHeader writes, without JSON.parse (a worker parses one
 * per request). Accepts only what the strict path would accept too; anything else (other field
 * order, spacing, escapes, bad values) returns null and takes the strict path, which also says
 * why it rejects.
 */
function parseHeaderFast(frame: Buffer): RequestHeader | null {
  const text = frame.toString('utf8')
  if (!text.startsWith(HEADER_PREFIX) || text.charCodeAt(text.length - 1) !== 125) return null
  const labEnd = text.indexOf('"', HEADER_PREFIX.length)
  if (labEnd < 0) return null
  const lab = text.slice(HEADER_PREFIX.length, labEnd)
  if (lab.includes('\\')) return null
  let i = labEnd + 1
  const int = (field: string): number => {
    if (!text.startsWith(field, i)) return -1
    i += field.length
    let n = 0
    let digits = 0
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i) - 48
      if (c < 0 || c > 9) break
      n = n * 10 + c
      digits++
    }
    return digits > 0 && digits < 16 ? n : -1
  }
  const epoch = int(',"epoch":')
  if (epoch < 0) return null
  const attempt = int(',"attempt":')
  if (attempt < 1) return null
  if (!text.startsWith(',"semantics":"', i)) return null
  const semStart = i + 14
  const semEnd = text.indexOf('"', semStart)
  if (semEnd < 0) return null
  const semantics = text.slice(semStart, semEnd)
  if (!(SEMANTICS as readonly string[]).includes(semantics)) return null
  i = semEnd + 1
  const sentAt = int(',"sentAt":')
  if (sentAt < 0 || i !== text.length - 1) return null
  return { v: 1, lab, epoch, attempt, semantics: semantics as Semantics, sentAt }
}

const REPLY_PREFIX = '{"v":1,"epoch":'

/**
 * Parses a reply body. The fast path reads the exact shape our workers send without JSON.parse
 * (this runs once per ack); anything else takes the strict path.
 * @returns epoch, worker and status, or why the frame was rejected.
 */
export function parseReply(
  body: Buffer,
  lab: string
): Parsed<{ epoch: number; worker: string; status: ReplyStatus }> {
  if (body.length > WORK_FRAME_MAX_BYTES) {
    return { ok: false, reason: 'oversize', detail: `reply of ${body.length} bytes` }
  }
  const text = body.toString('utf8')
  if (text.startsWith(REPLY_PREFIX)) {
    let i = REPLY_PREFIX.length
    let epoch = 0
    let digits = 0
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i) - 48
      if (c < 0 || c > 9) break
      epoch = epoch * 10 + c
      digits++
    }
    if (digits > 0 && digits < 16 && text.startsWith(',"worker":"', i)) {
      const start = i + 11
      const end = text.indexOf('"', start)
      if (
        end > start &&
        end - start <= WORKER_ID_MAX_CHARS &&
        text.charCodeAt(end - 1) !== 92 &&
        text.startsWith(',"status":"', end + 1)
      ) {
        const sStart = end + 12
        const sEnd = text.indexOf('"', sStart)
        const status = text.slice(sStart, sEnd)
        if (
          sEnd === text.length - 2 &&
          text.endsWith('"}') &&
          (status === 'done' || status === 'duplicate' || status === 'failed')
        ) {
          return { ok: true, value: { epoch, worker: text.slice(start, end), status } }
        }
      }
    }
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return { ok: false, reason: 'bad-json', detail: 'reply is not JSON' }
  }
  if (!isRecord(value))
    return { ok: false, reason: 'bad-json', detail: 'reply is not a JSON object' }
  if (value.v !== PROTOCOL_VERSION) {
    return { ok: false, reason: 'version', detail: `unsupported version ${String(value.v)}` }
  }
  if (value.lab !== undefined && value.lab !== lab) {
    return { ok: false, reason: 'lab', detail: `wrong lab ${String(value.lab)}` }
  }
  const { epoch, worker, status } = value
  if (typeof worker === 'string' && worker.length > WORKER_ID_MAX_CHARS) {
    return {
      ok: false,
      reason: 'worker-id',
      detail: `worker id of ${worker.length} characters (1 to ${WORKER_ID_MAX_CHARS})`
    }
  }
  if (
    !Number.isSafeInteger(epoch) ||
    typeof worker !== 'string' ||
    worker.length === 0 ||
    (status !== 'done' && status !== 'duplicate' && status !== 'failed')
  ) {
    return { ok: false, reason: 'shape', detail: 'reply fields missing or of the wrong type' }
  }
  return { ok: true, value: { epoch: epoch as number, worker, status } }
}

/**
 * The epoch of a request header without a full parse, for the FaultLink (which only needs it when
 * it applies a fault). Returns -1 when it cannot tell.
 */
export function peekEpoch(frame: Buffer | undefined): number {
  if (!frame) return -1
  const idx = frame.indexOf('"epoch":')
  if (idx < 0) return -1
  let epoch = 0
  let digits = 0
  for (let i = idx + 8; i < frame.length && digits < 16; i++) {
    const c = (frame[i] as number) - 48
    if (c < 0 || c > 9) break
    epoch = epoch * 10 + c
    digits++
  }
  return digits > 0 ? epoch : -1
}
