/**
 * Entry of a managed worker process (forked by WorkerPool). Its configuration arrives as JSON in
 * the FLOWLAB_WORKER environment variable (which keeps the Redis password out of argv). Control
 * messages arrive over the fork IPC channel; when the engine goes away the channel closes and the
 * worker exits, so a dead engine leaves no orphans.
 */
import type { WorkerControl } from './telemetry'
import { WorkerRuntime, type WorkerConfig } from './worker-runtime'

function main(): void {
  const raw = process.env.FLOWLAB_WORKER
  if (!raw) {
    process.stderr.write('flowlab worker-main: FLOWLAB_WORKER is not set\n')
    process.exit(2)
  }
  const cfg = { ...(JSON.parse(raw) as WorkerConfig), ipc: true }
  delete process.env.FLOWLAB_WORKER
  const runtime = new WorkerRuntime(cfg)
  process.on('message', (msg: WorkerControl) => runtime.control(msg))
  process.on('disconnect', () => process.exit(0))
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => void runtime.close().then(() => process.exit(0)))
  }
  runtime.run().catch((err: unknown) => {
    process.stderr.write(`flowlab worker ${cfg.id}: ${(err as Error).message}\n`)
    process.exit(1)
  })
}

main()
