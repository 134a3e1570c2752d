import { parseArgs } from 'node:util'
import {
  CRASH_POINTS,
  DISPATCH_DEFAULT_ENDPOINT,
  LAB_ID_PATTERN,
  type CrashPoint
} from '@shared/contract/labs/dispatch'
import { WorkerRuntime } from '../engine/dispatch/worker-runtime'
import { CURVE_KEY_PATTERN } from '../engine/zmq/curve'
import type { CliIo } from './io'
import { chooseRedisUrl, REDIS_URL_ENV, type RedisUrlChoice } from './redis-url'

const USAGE = `usage: flowlab worker [options]
  A Dispatch lab worker started by hand: a REP socket on the lab's work endpoint, running the
  seed's check → work → mark in the mode each request names (docs/PROTOCOL.md).
  --endpoint URL      work endpoint to connect to (default ${DISPATCH_DEFAULT_ENDPOINT})
  --server-key Z85    the lab's CURVE public key (40 characters; shown by the Dispatch panel and
                      flowlab run) when its endpoint uses CURVE; default FLOWLAB_SERVER_KEY
  --redis-url-file F  read the lab's Redis URL (with its password) from file F, mode 600
  --redis-url URL     the lab's Redis without a password (one with a password works, with a
                      warning: anyone on this machine can read a command line)
                      default: the FLOWLAB_REDIS_URL environment variable, then REDIS_URL
  --id ID             worker id shown in replies and marks (default ext-<pid>)
  --lab-id ID         accept requests of this lab only
  --work-ms MS        extra work time per message (default 0)
  --crash-at POINT    before-work | after-work | after-mark | before-reply
  --crash-every N     with --crash-at: crash on every Nth message (default: the next one)
  --telemetry URL     engine's telemetry endpoint (printed by flowlab run --workers 0)
  --concurrency N     REP sockets in this process (default 1)
Stops on Ctrl-C. A crash point kills this process with SIGKILL, as a real crash would.`

/**
 * `flowlab worker`: runs one worker in this process until SIGINT/SIGTERM.
 * @returns 0 after a clean stop, 2 for bad flags.
 */
export async function runWorkerCommand(argv: string[], io: CliIo): Promise<number> {
  let values: Record<string, string | boolean | undefined>
  try {
    values = parseArgs({
      args: argv,
      strict: true,
      options: {
        endpoint: { type: 'string' },
        'server-key': { type: 'string' },
        'redis-url': { type: 'string' },
        'redis-url-file': { type: 'string' },
        id: { type: 'string' },
        'lab-id': { type: 'string' },
        'work-ms': { type: 'string' },
        'crash-at': { type: 'string' },
        'crash-every': { type: 'string' },
        telemetry: { type: 'string' },
        concurrency: { type: 'string' },
        help: { type: 'boolean', short: 'h' }
      }
    }).values
  } catch (err) {
    io.stderr(`flowlab worker: ${(err as Error).message}\n${USAGE}`)
    return 2
  }
  if (values.help) {
    io.stdout(USAGE)
    return 0
  }
  const fail = (message: string): number => {
    io.stderr(`flowlab worker: ${message}`)
    return 2
  }
  const str = (k: string): string | undefined =>
    typeof values[k] === 'string' ? (values[k] as string) : undefined
  const endpoint = str('endpoint') ?? DISPATCH_DEFAULT_ENDPOINT
  if (!/^(tcp:\/\/[^\s:]+:\d{1,5}|ipc:\/\/\S+)$/.test(endpoint))
    return fail(`--endpoint must look like tcp://HOST:PORT (got ${endpoint})`)
  const serverKey = str('server-key') ?? (io.env.FLOWLAB_SERVER_KEY || undefined)
  if (serverKey !== undefined && !CURVE_KEY_PATTERN.test(serverKey)) {
    return fail('--server-key must be the 40-character Z85 public key the lab shows')
  }
  let choice: RedisUrlChoice
  try {
    choice = chooseRedisUrl(
      { url: str('redis-url'), file: str('redis-url-file') },
      io.env,
      'flowlab worker'
    )
  } catch (err) {
    return fail((err as Error).message)
  }
  const redisUrl = choice.url
  if (!redisUrl || !/^rediss?:\/\//.test(redisUrl)) {
    return fail(
      `the lab's Redis URL is required: ${REDIS_URL_ENV}=redis://:PASSWORD@HOST:PORT in the environment, or --redis-url-file (flowlab run --workers 0 prints the URL)`
    )
  }
  if (choice.warning) io.stderr(choice.warning)
  const labId = str('lab-id')
  if (labId !== undefined && !LAB_ID_PATTERN.test(labId))
    return fail(`--lab-id has characters other than letters, digits, _ and -`)
  const crashAt = str('crash-at')
  if (crashAt !== undefined && !(CRASH_POINTS as readonly string[]).includes(crashAt)) {
    return fail(`--crash-at must be one of ${CRASH_POINTS.join(', ')}`)
  }
  const int = (k: string, min: number, max: number, dflt: number): number | null => {
    const raw = str(k)
    if (raw === undefined) return dflt
    const n = Number(raw)
    return Number.isInteger(n) && n >= min && n <= max ? n : null
  }
  const workMs = int('work-ms', 0, 3_600_000, 0)
  const crashEvery = int('crash-every', 1, 1_000_000, 0)
  const concurrency = int('concurrency', 1, 64, 1)
  if (workMs === null) return fail('--work-ms must be a whole number of ms')
  if (crashEvery === null) return fail('--crash-every must be a whole number ≥ 1')
  if (concurrency === null) return fail('--concurrency must be a whole number from 1 to 64')
  const id = str('id') ?? `ext-${process.pid}`
  if (id.length > 64) return fail('--id is longer than 64 characters')
  const runtime = new WorkerRuntime({
    id,
    endpoint,
    serverKey,
    redisUrl,
    workMs,
    crashAt: (crashAt as CrashPoint | undefined) ?? null,
    crashEvery,
    labId,
    telemetry: str('telemetry'),
    concurrency
  })
  io.onShutdown(() => void runtime.close())
  io.stdout(
    `flowlab worker ${id}: connected to ${endpoint}${serverKey ? ' (CURVE)' : ''}${labId ? ` for lab ${labId}` : ''}. Ctrl-C to stop.`
  )
  try {
    await runtime.run()
  } catch (err) {
    // close() ends the receive loop with an error on some platforms; only report real failures.
    if (!/closed|terminated/i.test((err as Error).message)) {
      io.stderr(`flowlab worker: ${(err as Error).message}`)
      await runtime.close()
      return 1
    }
  }
  await runtime.close()
  return 0
}
