import { Pull } from 'zeromq'
import type { LabEmit } from '../lab'
import { curveServerOptions, type CurvePlan } from '../zmq/curve'
import { HandshakeWatch } from './handshake-watch'
import type { RejectLog } from './reject-log'
import { parseTelemetry, type TelemetryMessage } from './telemetry'

/**
 * Largest telemetry frame read, in bytes: a full batch (TELEMETRY_BATCH_MAX_RECORDS records of six
 * numbers) is under 64 KiB; libzmq disconnects a peer announcing a larger frame before reading it.
 */
export const TELEMETRY_FRAME_MAX_BYTES = 262_144
/** A telemetry peer that does not complete the ZMTP handshake within this is dropped, in ms. */
const TELEMETRY_HANDSHAKE_TIMEOUT_MS = 3_000

/**
 * The ZeroMQ PULL that hand-started workers (`flowlab worker --telemetry …`) push their telemetry
 * to. Every message is validated (the peer is untrusted); a bad one is counted, never fatal.
 */
export class TelemetrySocket {
  readonly #pull: Pull
  readonly #handshakes: HandshakeWatch
  /** The bound address (the real port when bound to `:*`). */
  readonly endpoint: string | null

  private constructor(
    pull: Pull,
    onMessage: (msg: TelemetryMessage) => void,
    rejects: RejectLog,
    curve: boolean
  ) {
    this.#pull = pull
    this.#handshakes = new HandshakeWatch(pull, {
      timeoutMs: TELEMETRY_HANDSHAKE_TIMEOUT_MS,
      curve,
      onReject: (detail, reason) => rejects.add(reason, `telemetry endpoint: ${detail}`)
    })
    this.endpoint = pull.lastEndpoint
    void (async (): Promise<void> => {
      for await (const [msg] of pull) {
        let value: unknown
        try {
          value = JSON.parse((msg as Buffer).toString('utf8'))
        } catch {
          rejects.add('telemetry', 'telemetry frame is not JSON')
          continue
        }
        const parsed = parseTelemetry(value)
        if (!parsed) {
          rejects.add('telemetry', 'telemetry message of the wrong shape')
          continue
        }
        try {
          onMessage(parsed)
        } catch (err) {
          // One message that cannot be handled must not end the loop.
          rejects.add('telemetry', `telemetry message: ${(err as Error).message}`)
        }
      }
    })().catch(() => undefined)
  }

  /**
   * Binds `endpoint` (a CURVE server when `curve` is on) and hands every valid message to
   * `onMessage`.
   * @returns null (after a trace warning) when the endpoint cannot be bound: a run works without.
   */
  static async bind(
    endpoint: string,
    onMessage: (msg: TelemetryMessage) => void,
    rejects: RejectLog,
    emit: LabEmit,
    curve: CurvePlan
  ): Promise<TelemetrySocket | null> {
    const pull = new Pull({
      linger: 0,
      receiveHighWaterMark: 1_000,
      maxMessageSize: TELEMETRY_FRAME_MAX_BYTES,
      handshakeInterval: TELEMETRY_HANDSHAKE_TIMEOUT_MS,
      ...curveServerOptions(curve)
    })
    try {
      await pull.bind(endpoint)
    } catch (err) {
      pull.close()
      emit(
        'telemetry-error',
        'warn',
        `cannot bind telemetry on ${endpoint}: ${(err as Error).message}`
      )
      return null
    }
    return new TelemetrySocket(pull, onMessage, rejects, curve.on)
  }

  close(): void {
    this.#handshakes.close()
    this.#pull.close()
  }
}
