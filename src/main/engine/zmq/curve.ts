import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { capability, curveKeyPair } from 'zeromq'

/**
 * ZeroMQ CURVE for the engine's public endpoints (the Dispatch work endpoint, the Channels remote
 * endpoint): the engine's server key pair, kept on disk, and the rule that decides whether an
 * endpoint uses it. A peer must then know the server's public key (Z85, 40 characters) to connect;
 * one without it, or with a wrong one, fails the handshake and is counted as an `auth` reject.
 */

/** A Z85-encoded CURVE key: 32 bytes as 40 printable characters. */
export const CURVE_KEY_PATTERN = /^[0-9a-zA-Z.\-:+=^!/*?&<>()[\]{}@%$#]{40}$/
/** File names of the server key pair inside the owner's data dir. */
export const CURVE_SECRET_FILE = 'curve-server.secret'
export const CURVE_PUBLIC_FILE = 'curve-server.public'
/** File mode of the secret key: readable by its owner only. */
const CURVE_SECRET_MODE = 0o600

export interface CurveKeys {
  /** Z85 public key: shown to users, given to peers. */
  publicKey: string
  /** Z85 secret key: never leaves the engine (and its data dir). */
  secretKey: string
}

/** What an endpoint binds with: CURVE on (with the server's keys) or off. */
export type CurvePlan = { on: true; keys: CurveKeys } | { on: false }

/** True when this libzmq build supports CURVE. */
export function curveAvailable(): boolean {
  return capability.curve === true
}

/**
 * True when binding `endpoint` exposes nothing beyond this machine: tcp on 127.0.0.0/8,
 * `localhost` or `[::1]`, and ipc/inproc. Anything else (0.0.0.0, `*`, a LAN address, a host or
 * interface name) counts as a network address.
 */
export function isLoopbackEndpoint(endpoint: string): boolean {
  if (/^(ipc|inproc):\/\//.test(endpoint)) return true
  const m = /^tcp:\/\/(.+):(\d+|\*)$/.exec(endpoint)
  if (!m) return false
  const host = (m[1] as string).toLowerCase()
  if (host === 'localhost' || host === '[::1]') return true
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
}

/**
 * Whether `endpoint` uses CURVE: on for a network address (refused when `curve` is false), off on
 * loopback unless `curve` is true.
 * @throws Error with the reason and the fix when a network address would be bound without CURVE
 */
export function curveWanted(what: string, endpoint: string, curve: boolean | undefined): boolean {
  const loopback = isLoopbackEndpoint(endpoint)
  if (!loopback && curve === false) {
    throw new Error(
      `the ${what} ${endpoint} is not a loopback address, so it needs ZeroMQ CURVE: remove "curve: false" (peers then need the server's public key), or bind 127.0.0.1`
    )
  }
  const on = curve ?? !loopback
  if (on && !curveAvailable()) {
    throw new Error(
      `the ${what} ${endpoint} needs ZeroMQ CURVE, which this libzmq build lacks; bind 127.0.0.1 instead`
    )
  }
  return on
}

/**
 * The server key pair kept in `dir` (made on first use: secret file mode 600), or a fresh pair
 * held in memory when `dir` is null.
 * @throws Error naming the file when a stored key is unreadable, malformed or readable by others
 */
export function loadServerKeys(dir: string | null): CurveKeys {
  if (dir === null) return curveKeyPair()
  const secretPath = join(dir, CURVE_SECRET_FILE)
  const publicPath = join(dir, CURVE_PUBLIC_FILE)
  if (existsSync(secretPath) || existsSync(publicPath)) {
    if (process.platform !== 'win32' && (statSync(secretPath).mode & 0o077) !== 0) {
      throw new Error(
        `${secretPath} is readable by other users; run chmod 600 on it (or delete both key files to make a new pair)`
      )
    }
    const secretKey = readFileSync(secretPath, 'utf8').trim()
    const publicKey = readFileSync(publicPath, 'utf8').trim()
    if (!CURVE_KEY_PATTERN.test(secretKey) || !CURVE_KEY_PATTERN.test(publicKey)) {
      throw new Error(
        `the CURVE key files in ${dir} are not 40-character Z85 keys; delete ${CURVE_SECRET_FILE} and ${CURVE_PUBLIC_FILE} to make a new pair`
      )
    }
    return { publicKey, secretKey }
  }
  const keys = curveKeyPair()
  mkdirSync(dir, { recursive: true })
  writeFileSync(secretPath, keys.secretKey + '\n', { mode: CURVE_SECRET_MODE, flag: 'wx' })
  // umask cannot widen it, but an odd one could have narrowed the owner's bits: set it exactly.
  if (process.platform !== 'win32') chmodSync(secretPath, CURVE_SECRET_MODE)
  writeFileSync(publicPath, keys.publicKey + '\n', { mode: 0o644 })
  return keys
}

/**
 * The plan for binding `endpoint`: the rule of {@link curveWanted}, then the keys of `dir`.
 * @throws Error with a clear message (network address without CURVE, unusable key files)
 */
export function planCurve(
  what: string,
  endpoint: string,
  curve: boolean | undefined,
  dir: string | null
): CurvePlan {
  if (!curveWanted(what, endpoint, curve)) return { on: false }
  return { on: true, keys: loadServerKeys(dir) }
}

/** Socket options of a CURVE server (the binding side). */
export function curveServerOptions(plan: CurvePlan): {
  curveServer?: boolean
  curveSecretKey?: string
} {
  return plan.on ? { curveServer: true, curveSecretKey: plan.keys.secretKey } : {}
}

/**
 * Socket options of a CURVE client that knows the server's public key; it makes its own key pair
 * (the server accepts any client that knows its key). None without a server key.
 * @throws Error when `serverKey` is not a Z85 key
 */
export function curveClientOptions(serverKey: string | undefined | null): {
  curveServerKey?: string
  curvePublicKey?: string
  curveSecretKey?: string
} {
  if (serverKey === undefined || serverKey === null) return {}
  if (!CURVE_KEY_PATTERN.test(serverKey)) {
    throw new Error('the server key must be the 40-character Z85 public key the lab shows')
  }
  const mine = curveKeyPair()
  return {
    curveServerKey: serverKey,
    curvePublicKey: mine.publicKey,
    curveSecretKey: mine.secretKey
  }
}

/** The CURVE failures a server sees: a peer without the key, or with a wrong one. */
export function isCurveAuthError(code: string | undefined): boolean {
  return code === 'ERR_ZMTP_MECHANISM_MISMATCH' || code === 'ERR_ZMTP_CRYPTOGRAPHIC'
}
