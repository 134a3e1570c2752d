import { DispatchCommandType } from '@shared/contract/labs/dispatch'
import { dispatchLab, dispatchLabOf } from '../../src/main/engine/dispatch'
import { createEngine } from '../../src/main/engine/engine'
import { freePort } from '../../src/main/engine/redis/free-port'

// A test engine in a process of its own (`node --import tsx test/helpers/dispatch-engine-main.ts
// DATA_DIR`), as the desktop app runs it: its own managed Redis in DATA_DIR and a slow Dispatch run
// with two workers, the first of them paused (SIGSTOP). It prints `ready <pids as JSON>` and then
// waits to be killed.
async function main(): Promise<void> {
  const dataDir = process.argv[2]
  if (!dataDir) throw new Error('usage: dispatch-engine-main.ts DATA_DIR')
  const engine = createEngine({
    dataDir,
    door: 'cli',
    env: { ...process.env, REDIS_URL: '' },
    labDefinitions: [dispatchLab]
  })
  await engine.start()
  const started = await engine.execute({
    type: DispatchCommandType.Start,
    settings: {
      messages: 1_000_000,
      workers: 2,
      ratePerSec: 20,
      endpoint: `tcp://127.0.0.1:${await freePort()}`
    }
  })
  if (!started.ok) throw new Error(started.error.message)
  const paused = await engine.execute({
    type: DispatchCommandType.Worker,
    worker: { action: 'pause', workerId: 'w1' }
  })
  if (!paused.ok) throw new Error(paused.error.message)
  const workers = dispatchLabOf(engine)
    .toInfo()
    .workers.map((w) => ({ id: w.id, pid: w.pid, state: w.state }))
  process.stdout.write(`ready ${JSON.stringify({ redis: engine.redis.toInfo().pid, workers })}\n`)
  setInterval(() => undefined, 60_000)
}

main().catch((err: unknown) => {
  process.stderr.write(`dispatch-engine-main: ${String(err)}\n`)
  process.exit(1)
})
