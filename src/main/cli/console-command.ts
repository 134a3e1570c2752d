import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { createEngine } from '../engine'
import { Gateway } from '../gateway/gateway'
import { appRoot, appVersion, defaultDataDir, rendererDir } from './paths'
import type { CliIo } from './io'

/** The console's usual port; when it is taken, a free one is used instead (and said). */
export const CONSOLE_DEFAULT_PORT = 4780

const USAGE = `usage: flowlab console [--port N] [--host H] [--data-dir DIR]
  Serves the Flowlab console in your browser at the printed URL (with a per-run token).
  --port N       port to listen on (default ${CONSOLE_DEFAULT_PORT}; 0 = any free port)
  --host H       interface to bind (default 127.0.0.1; anything else exposes the console).
                 Browsers must reach it as H or a loopback name: other Host headers get 403.
  --data-dir DIR where the managed Redis keeps its data (default: the app's data folder)
Environment: REDIS_URL uses an existing Redis; REDIS_SERVER_BIN names the redis-server binary.`

/**
 * `flowlab console`: the engine, the gateway and the built renderer, with no Electron. Runs until
 * SIGINT/SIGTERM/SIGHUP, then stops everything it started (Redis included) before exiting.
 * @returns the exit code.
 */
export async function runConsole(argv: string[], io: CliIo): Promise<number> {
  let values: { port?: string; host?: string; 'data-dir'?: string; help?: boolean }
  try {
    values = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' }
      },
      strict: true
    }).values
  } catch (err) {
    io.stderr(`flowlab console: ${(err as Error).message}\n${USAGE}`)
    return 2
  }
  if (values.help) {
    io.stdout(USAGE)
    return 0
  }
  const port = values.port === undefined ? CONSOLE_DEFAULT_PORT : Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    io.stderr(`flowlab console: --port must be a whole number from 0 to 65535 (got ${values.port})`)
    return 2
  }
  const renderer = rendererDir()
  if (!renderer) {
    io.stderr(
      'flowlab console: the renderer is not built yet. Run `npm run build` (or `npm start`).'
    )
    return 2
  }
  const host = values.host ?? '127.0.0.1'
  const engine = createEngine({
    dataDir: values['data-dir'] ?? defaultDataDir(io.env),
    door: 'browser',
    redisUrl: io.env.REDIS_URL || undefined,
    env: io.env,
    version: appVersion(),
    scenarioDir: join(appRoot(), 'scenarios')
  })

  let gateway = new Gateway({ engine, rendererDir: renderer, host, port })
  const stopped = new Promise<void>((resolve) => io.onShutdown(resolve))
  try {
    await gateway.listen()
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || values.port !== undefined) {
      io.stderr(`flowlab console: cannot listen on ${host}:${port}: ${(err as Error).message}`)
      return 2
    }
    io.stdout(`Port ${port} is busy; using a free port instead.`)
    gateway = new Gateway({ engine, rendererDir: renderer, host, port: 0, token: gateway.token })
    await gateway.listen()
  }
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '::1') {
    io.stdout(
      `Warning: listening on ${host}; anyone who can reach it and has the token can use the console.`
    )
  }
  await engine.start()
  const redis = engine.getSnapshot().redis
  io.stdout(`Flowlab console: ${gateway.url}`)
  if (redis.status === 'missing') {
    io.stdout(
      'Redis: redis-server was not found, so the labs that need Redis cannot run. Install it:'
    )
    for (const hint of redis.install ?? []) io.stdout(`  ${hint.platform}: ${hint.command}`)
    io.stdout('  or set REDIS_URL to a running Redis. The console runs without it meanwhile.')
  } else {
    io.stdout(
      `Redis: ${redis.status} at ${redis.url} (${redis.managed ? 'managed by Flowlab' : 'REDIS_URL'})`
    )
  }
  io.stdout('Press Ctrl-C to stop.')
  await stopped
  io.stdout('Stopping…')
  await gateway.close()
  await engine.close()
  return 0
}
