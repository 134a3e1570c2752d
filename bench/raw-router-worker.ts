/**
 * The windowed raw ZeroMQ peer of the dispatch bench: one ROUTER per process that answers every
 * request at once with its own frame, many in flight (no lockstep), no Redis, no telemetry: the
 * transport's ceiling. Forked by bench/raw-windowed-bench.ts: argv = ENDPOINT.
 */
import { Router } from 'zeromq'

async function main(): Promise<void> {
  const endpoint = process.argv[2]
  if (!endpoint) throw new Error('usage: raw-router-worker ENDPOINT')
  const router = new Router({
    linger: 0,
    sendHighWaterMark: 100_000,
    receiveHighWaterMark: 100_000
  })
  router.connect(endpoint)
  process.on('disconnect', () => process.exit(0))
  process.send?.('ready')
  for await (const frames of router) await router.send(frames)
}

main().catch((err: unknown) => {
  process.stderr.write(`raw-router-worker: ${(err as Error).message}\n`)
  process.exit(1)
})
