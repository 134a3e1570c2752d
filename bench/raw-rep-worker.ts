/**
 * The raw ZeroMQ peer of the dispatch bench: REP sockets that answer every request at once with
 * its own header frame (so the bench can match replies to sends), with no Redis and no telemetry.
 * Forked by bench/dispatch-bench.ts: argv = ENDPOINT [REP SOCKETS].
 */
import { Reply } from 'zeromq'

async function serve(endpoint: string): Promise<void> {
  const rep = new Reply({ linger: 0 })
  rep.connect(endpoint)
  for await (const frames of rep) await rep.send(frames[0] ?? '')
}

async function main(): Promise<void> {
  const endpoint = process.argv[2]
  if (!endpoint) throw new Error('usage: raw-rep-worker ENDPOINT [SOCKETS]')
  const sockets = Math.max(1, Number(process.argv[3] ?? 1))
  process.on('disconnect', () => process.exit(0))
  const loops = Array.from({ length: sockets }, () => serve(endpoint))
  process.send?.('ready')
  await Promise.all(loops)
}

main().catch((err: unknown) => {
  process.stderr.write(`raw-rep-worker: ${(err as Error).message}\n`)
  process.exit(1)
})
