import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { ErrorCode } from '@shared/contract'
import { channelsLab, channelsLabOf } from '../engine/channels'
import { createEngine } from '../engine/engine'
import type { CliIo } from './io'
import { defaultDataDir } from './paths'

const USAGE = `usage: flowlab channels-host [--data-dir DIR] [--endpoint tcp://127.0.0.1:PORT] [--prefix P]
  Runs the Channels lab alone (its Redis and its remote endpoint) and takes commands as JSON lines
  on stdin: {"id":1,"command":{"type":"channels:create",...}} or {"id":2,"info":true}.
  Answers one JSON line each: {"id":1,"ok":true,"value":...} / {"id":1,"ok":false,"error":{...}}.
  First line printed: {"ready":true,"endpoint":...,"pid":...}. Ends at end of input or on a signal.
Environment: FLOWLAB_DATA_DIR, REDIS_URL, REDIS_SERVER_BIN.`

/**
 * `flowlab channels-host`: the Channels lab and the Redis it needs, driven over stdin/stdout. A test
 * host (a real process that can be SIGKILLed and restarted on the same data folder) and a way to
 * script the lab without the UI.
 * @returns the exit code
 */
export async function runChannelsHost(argv: string[], io: CliIo): Promise<number> {
  let values: { 'data-dir'?: string; endpoint?: string; prefix?: string; help?: boolean }
  try {
    values = parseArgs({
      args: argv,
      options: {
        'data-dir': { type: 'string' },
        endpoint: { type: 'string' },
        prefix: { type: 'string' },
        help: { type: 'boolean', short: 'h' }
      },
      strict: true
    }).values
  } catch (err) {
    io.stderr(`flowlab channels-host: ${(err as Error).message}\n${USAGE}`)
    return 2
  }
  if (values.help) {
    io.stdout(USAGE)
    return 0
  }
  const engine = createEngine({
    dataDir: values['data-dir'] ?? defaultDataDir(io.env),
    door: 'cli',
    redisUrl: io.env.REDIS_URL || undefined,
    env: io.env,
    labDefinitions: [channelsLab],
    labs: {
      channels: {
        endpoint: values.endpoint ?? null,
        ...(values.prefix ? { prefix: values.prefix } : {})
      }
    }
  })
  try {
    await engine.start()
  } catch (err) {
    io.stderr(`flowlab channels-host: ${(err as Error).message}`)
    await engine.close()
    return 1
  }
  const lab = channelsLabOf(engine)
  io.stdout(
    JSON.stringify({
      ready: true,
      endpoint: lab.endpoint,
      pid: process.pid,
      redis: engine.redis.status
    })
  )
  let stop: () => void = () => undefined
  const stopped = new Promise<void>((resolve) => (stop = resolve))
  io.onShutdown(() => stop())
  const lines = createInterface({ input: process.stdin })
  lines.on('close', () => stop())
  lines.on('line', (line) => {
    void answer(line).then((out) => io.stdout(JSON.stringify(out)))
  })
  // The doors' envelope and error table: every command goes through the engine's validation.
  const answer = async (line: string): Promise<unknown> => {
    let msg: unknown
    try {
      msg = JSON.parse(line)
    } catch (err) {
      const error = { code: ErrorCode.InvalidMessage, message: (err as Error).message }
      return { id: null, ok: false, error }
    }
    if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) {
      const message =
        'each line must be a JSON object: {"id":…,"command":{…}} or {"id":…,"info":true}'
      return { id: null, ok: false, error: { code: ErrorCode.InvalidMessage, message } }
    }
    const { id = null, info, command } = msg as { id?: unknown; info?: unknown; command?: unknown }
    if (info === true) return { id, ok: true, value: lab.toInfo() }
    // The host runs the Channels lab only: its Redis is not the script's to kill.
    const type = (command as { type?: unknown } | null)?.type
    if (typeof type !== 'string' || !type.startsWith(`${channelsLab.id}:`)) {
      const message = `channels-host takes channels:* commands only (got ${typeof type === 'string' ? type : 'no type'})`
      return { id, ok: false, error: { code: ErrorCode.InvalidCommand, message, field: 'type' } }
    }
    return { id, ...(await engine.execute(command)) }
  }
  await stopped
  lines.close()
  await engine.close()
  return 0
}
