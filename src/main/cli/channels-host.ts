import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { ChannelsCommandSchema } from '@shared/contract/channels'
import { ChannelsLab } from '../engine/channels/channels-lab'
import { RedisHost } from '../engine/redis/redis-host'
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
  const redis = new RedisHost({
    dataDir: values['data-dir'] ?? defaultDataDir(io.env),
    url: io.env.REDIS_URL || undefined,
    env: io.env
  })
  await redis.start()
  const lab = new ChannelsLab({
    redis,
    emit: () => undefined,
    endpoint: values.endpoint ?? null,
    ...(values.prefix ? { prefix: values.prefix } : {})
  })
  try {
    await lab.start()
  } catch (err) {
    io.stderr(`flowlab channels-host: ${(err as Error).message}`)
    await redis.close()
    return 1
  }
  io.stdout(
    JSON.stringify({ ready: true, endpoint: lab.endpoint, pid: process.pid, redis: redis.status })
  )
  let stop: () => void = () => undefined
  const stopped = new Promise<void>((resolve) => (stop = resolve))
  io.onShutdown(() => stop())
  const lines = createInterface({ input: process.stdin })
  lines.on('close', () => stop())
  lines.on('line', (line) => {
    void answer(line).then((out) => io.stdout(JSON.stringify(out)))
  })
  const answer = async (line: string): Promise<unknown> => {
    let id: unknown = null
    try {
      const msg = JSON.parse(line) as { id?: unknown; info?: boolean; command?: unknown }
      id = msg.id ?? null
      if (msg.info) return { id, ok: true, value: lab.toInfo() }
      const parsed = ChannelsCommandSchema.safeParse(msg.command)
      if (!parsed.success) {
        return { id, ok: false, error: { code: 'invalid_command', message: parsed.error.message } }
      }
      return { id, ok: true, value: (await lab.execute(parsed.data)) ?? null }
    } catch (err) {
      const code = (err as { code?: unknown }).code
      return {
        id,
        ok: false,
        error: {
          code: typeof code === 'string' ? code : 'internal',
          message: (err as Error).message
        }
      }
    }
  }
  await stopped
  lines.close()
  await lab.close()
  await redis.close()
  return 0
}
