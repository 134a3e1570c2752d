import { FlagError, numberFlag } from './flags'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import {
  CRASH_POINTS,
  DispatchCommandType,
  DISPATCH_DEFAULT_ENDPOINT,
  LAB_ID_PATTERN,
  SEMANTICS,
  VIOLATION_CAUSE_TEXT,
  WORKER_MODES,
  type CrashPoint,
  type DispatchReport,
  type DispatchSettingsInput,
  type Semantics,
  type WorkerMode
} from '@shared/contract/labs/dispatch'
import { dispatchLab, dispatchLabOf, type DispatchLab } from '../engine/dispatch'
import { createEngine } from '../engine/engine'
import { redisReady } from './redis-check'
import type { RedisHost } from '../engine/redis/redis-host'
import { withProgress, type CliIo, type ProgressOut } from './io'
import { REDIS_URL_ENV, urlHasPassword } from './redis-url'
import { reapStaleRunDirs, RUN_DIR_PREFIX } from './run-dirs'

/** Violations listed in the human summary (all of them are in --json). */
const SUMMARY_VIOLATIONS_MAX = 20
const PROGRESS_BAR_WIDTH = 30

const USAGE = `usage: flowlab run [options]
  Runs the Dispatch lab headless: a dispatcher, the FaultLink and workers against Redis, then
  prints a report and exits 0 when the guarantee held, 1 when it was violated, 2 on bad flags or
  setup errors.
  --semantics MODE        at-most-once | at-least-once | exactly-once-naive | exactly-once-atomic
                          (default exactly-once-atomic)
  --messages N            epochs to dispatch (default 1000)
  --rate PER_S            sends per second; 0 = as fast as the window allows (default 0)
  --workers N             worker processes; 0 = only external workers (default 4)
  --work-ms MS            work time per message (default 0)
  --timeout-ms MS         ack timeout (default 1000)
  --max-attempts N        sends per epoch at most; 0 = unlimited (default 50)
  --seed S                seed of the link's drops, duplicates and jitter (same seed, same epochs)
  --window N              most messages in flight (default 64)
  --drop-to-worker P      drop requests with probability P
  --drop-to-dispatcher P  drop acks with probability P
  --duplicate P           duplicate requests with probability P
  --delay-ms MS           delay requests by MS
  --crash-at POINT        before-work | after-work | after-mark | before-reply
  --crash-every N         with --crash-at: each worker crashes on every Nth message (and restarts)
  --redis-restart-at N    restart Redis after N acks (managed Redis only)
  --crash-dispatcher-at N crash the dispatcher after N acks, then restart it (its sent_msgs is
                          lost unless --durable-dispatcher)
  --no-persistence        Redis without AOF (a restart forgets the dedup marks)
  --endpoint URL          public work endpoint (default ${DISPATCH_DEFAULT_ENDPOINT}); one that
                          is not loopback uses ZeroMQ CURVE (workers need the printed server key)
  --curve                 use CURVE on a loopback endpoint too
  --lab-id ID             lab id (Redis prefix flowlab:ID:); random by default
  --redis-url URL         use this Redis (default: REDIS_URL, else a managed redis-server); put a
                          URL with a password in REDIS_URL: a command line is public
  --durable-dispatcher    keep sent_msgs in Redis, so a dispatcher crash loses nothing
                          (--durable for short)
  --worker-concurrency N  requests a worker process works on at once when there is work time (default 1)
  --worker-mode MODE      lockstep (protocol v1, the seed's REP worker; default) | pipelined
                          (protocol v2: batches of epochs, one Lua call per batch)
  --json                  print the report as one JSON object on stdout`

/** Extra seams for tests and the bench; the CLI passes none. */
export interface RunCommandOptions {
  /** Use this (started) Redis host instead of creating one. */
  redis?: RedisHost
  /** Called with the lab once the run has started (tests press buttons through it). */
  onLab?: (lab: DispatchLab) => void | Promise<void>
  /** Where the progress bar goes; defaults to stderr when it is a terminal. */
  progress?: ProgressOut
}

const num = numberFlag

function probability(name: string, raw: string | undefined): number | undefined {
  return num(name, raw, { int: false, min: 0, max: 1 })
}

interface ParsedRun {
  settings: DispatchSettingsInput
  json: boolean
  redisUrl: string | undefined
  /** Said on stderr before the run: a password on the command line. */
  redisUrlWarning: string | null
  noPersistence: boolean
}

function parseRunArgs(argv: string[], env: NodeJS.ProcessEnv): ParsedRun | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      semantics: { type: 'string' },
      messages: { type: 'string' },
      rate: { type: 'string' },
      workers: { type: 'string' },
      'work-ms': { type: 'string' },
      'timeout-ms': { type: 'string' },
      'max-attempts': { type: 'string' },
      seed: { type: 'string' },
      window: { type: 'string' },
      'drop-to-worker': { type: 'string' },
      'drop-to-dispatcher': { type: 'string' },
      duplicate: { type: 'string' },
      'delay-ms': { type: 'string' },
      'crash-at': { type: 'string' },
      'crash-every': { type: 'string' },
      'redis-restart-at': { type: 'string' },
      'crash-dispatcher-at': { type: 'string' },
      'no-persistence': { type: 'boolean' },
      endpoint: { type: 'string' },
      curve: { type: 'boolean' },
      'lab-id': { type: 'string' },
      'redis-url': { type: 'string' },
      durable: { type: 'boolean' },
      'durable-dispatcher': { type: 'boolean' },
      'worker-concurrency': { type: 'string' },
      'worker-mode': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' }
    }
  })
  if (values.help) return 'help'
  const semantics = values.semantics ?? 'exactly-once-atomic'
  if (!(SEMANTICS as readonly string[]).includes(semantics)) {
    throw new FlagError(`--semantics must be one of ${SEMANTICS.join(', ')} (got ${semantics})`)
  }
  const crashAt = values['crash-at']
  if (crashAt !== undefined && !(CRASH_POINTS as readonly string[]).includes(crashAt)) {
    throw new FlagError(`--crash-at must be one of ${CRASH_POINTS.join(', ')} (got ${crashAt})`)
  }
  const crashEvery = num('crash-every', values['crash-every'], { min: 1, max: 1_000_000 })
  if (crashEvery !== undefined && crashAt === undefined)
    throw new FlagError('--crash-every needs --crash-at')
  const workerMode = values['worker-mode']
  if (workerMode !== undefined && !(WORKER_MODES as readonly string[]).includes(workerMode)) {
    throw new FlagError(
      `--worker-mode must be one of ${WORKER_MODES.join(', ')} (got ${workerMode})`
    )
  }
  const endpoint = values.endpoint
  if (endpoint !== undefined && !/^tcp:\/\/[^\s:]+:\d{1,5}$/.test(endpoint)) {
    throw new FlagError(`--endpoint must look like tcp://HOST:PORT (got ${endpoint})`)
  }
  const labId = values['lab-id']
  if (labId !== undefined && !LAB_ID_PATTERN.test(labId)) {
    throw new FlagError(
      `--lab-id may hold letters, digits, _ and - only, 1 to 64 of them (got ${labId})`
    )
  }
  const redisUrl = values['redis-url'] ?? (env.REDIS_URL || undefined)
  const redisUrlWarning =
    values['redis-url'] !== undefined && urlHasPassword(values['redis-url'])
      ? 'flowlab run: warning: --redis-url carries a password, which every user of this machine can read in the process list; set REDIS_URL in the environment instead'
      : null
  if (redisUrl !== undefined && !/^rediss?:\/\//.test(redisUrl)) {
    throw new FlagError('--redis-url must start with redis:// or rediss://')
  }
  const dropToWorker = probability('drop-to-worker', values['drop-to-worker'])
  const dropToDispatcher = probability('drop-to-dispatcher', values['drop-to-dispatcher'])
  const duplicate = probability('duplicate', values.duplicate)
  const delayMs = num('delay-ms', values['delay-ms'], { max: 3_600_000 })
  const noPersistence = values['no-persistence'] ?? false
  const settings: DispatchSettingsInput = {
    semantics: semantics as Semantics,
    messages: num('messages', values.messages, { min: 1, max: 10_000_000 }),
    ratePerSec: num('rate', values.rate, { int: false, max: 1_000_000 }),
    workers: num('workers', values.workers, { max: 64 }),
    workMs: num('work-ms', values['work-ms'], { max: 3_600_000 }),
    timeoutMs: num('timeout-ms', values['timeout-ms'], { min: 5, max: 3_600_000 }),
    maxAttempts: num('max-attempts', values['max-attempts'], { max: 1_000_000 }),
    seed: num('seed', values.seed, { max: 4_294_967_295 }),
    window: num('window', values.window, { min: 1, max: 100_000 }),
    workerConcurrency: num('worker-concurrency', values['worker-concurrency'], { min: 1, max: 64 }),
    workerMode: workerMode as WorkerMode | undefined,
    endpoint,
    curve: values.curve === true ? true : undefined,
    labId,
    durableDispatcher: (values.durable ?? false) || (values['durable-dispatcher'] ?? false),
    crashAt: crashAt as CrashPoint | undefined,
    crashEvery,
    redisRestartAtAcks: num('redis-restart-at', values['redis-restart-at'], { min: 1 }),
    dispatcherCrashAtAcks: num('crash-dispatcher-at', values['crash-dispatcher-at'], {
      min: 1,
      max: 10_000_000
    }),
    persistence: noPersistence ? false : undefined,
    toWorker:
      dropToWorker || duplicate || delayMs
        ? {
            dropP: dropToWorker ?? 0,
            duplicateP: duplicate ?? 0,
            delayMs: delayMs ?? 0,
            jitterMs: 0
          }
        : undefined,
    toDispatcher: dropToDispatcher
      ? { dropP: dropToDispatcher, duplicateP: 0, delayMs: 0, jitterMs: 0 }
      : undefined
  }
  for (const key of Object.keys(settings) as (keyof DispatchSettingsInput)[]) {
    if (settings[key] === undefined) delete settings[key]
  }
  return { settings, json: values.json ?? false, redisUrl, redisUrlWarning, noPersistence }
}

/**
 * `flowlab run`: one Dispatch lab run from the command line (grading, CI, benchmarks).
 * @returns 0 when the asserted guarantee held, 1 when it was violated, 2 for bad flags or setup
 * errors, 130 when interrupted.
 */
export async function runDispatchCommand(
  argv: string[],
  io: CliIo,
  opts: RunCommandOptions = {}
): Promise<number> {
  let parsed: ParsedRun | 'help'
  try {
    parsed = parseRunArgs(argv, io.env)
  } catch (err) {
    io.stderr(`flowlab run: ${(err as Error).message}\n${USAGE}`)
    return 2
  }
  if (parsed === 'help') {
    io.stdout(USAGE)
    return 0
  }
  const { settings, json } = parsed
  if (parsed.redisUrlWarning) io.stderr(parsed.redisUrlWarning)
  const stale = reapStaleRunDirs()
  if (stale.processes.length > 0 || stale.dirs.length > 0) {
    const what = stale.processes.map((p) => `${p.kind} ${p.pid}${p.wasPaused ? ' (paused)' : ''}`)
    io.stderr(
      `flowlab run: cleaned up after an earlier run that was killed: ended ${what.length} process(es)${what.length > 0 ? ` (${what.join(', ')})` : ''}, removed ${stale.dirs.length} folder(s)`
    )
  }
  const dataDir = mkdtempSync(join(tmpdir(), RUN_DIR_PREFIX))
  const engine = createEngine({
    dataDir,
    door: 'cli',
    redisUrl: parsed.redisUrl,
    env: io.env,
    redisPersistence: !parsed.noPersistence,
    ...(opts.redis ? { sharedRedis: opts.redis } : {}),
    labDefinitions: [dispatchLab],
    labs: { dispatch: settings.workers === 0 ? { telemetryEndpoint: 'tcp://127.0.0.1:*' } : {} },
    onTrace: (event) => {
      if (!json && event.level === 'error' && event.source === dispatchLab.id) {
        io.stderr(`flowlab run: ${event.message}`)
      }
    }
  })
  const cleanup = async (): Promise<void> => {
    await engine.close().catch(() => undefined)
    rmSync(dataDir, { recursive: true, force: true })
  }
  try {
    await engine.start()
    if (!redisReady(engine, io, 'run')) {
      await cleanup()
      return 2
    }
    const dispatch = dispatchLabOf(engine)
    let interrupted = false
    io.onShutdown(() => {
      interrupted = true
      void engine.execute({ type: DispatchCommandType.Stop })
    })
    const started = await engine.execute({ type: DispatchCommandType.Start, settings })
    if (!started.ok) {
      io.stderr(`flowlab run: ${started.error.message}`)
      await cleanup()
      return 2
    }
    const ep = dispatch.endpoints
    const redis = engine.redis
    if (settings.workers === 0 && ep) {
      const say = json ? io.stderr : io.stdout
      say(`Waiting for external workers.`)
      say(`  endpoint:  ${ep.endpoint}`)
      say(`  lab id:    ${ep.labId}`)
      say(`  redis url: ${redis.secretUrl ?? ''}`)
      if (ep.telemetry) say(`  telemetry: ${ep.telemetry} (optional)`)
      if (ep.serverKey) say(`  server key: ${ep.serverKey} (CURVE: workers need it)`)
      const key = ep.serverKey ? ` --server-key '${ep.serverKey}'` : ''
      say(
        `  e.g. ${REDIS_URL_ENV}='${redis.secretUrl ?? ''}' npm run -s flowlab -- worker --endpoint ${ep.endpoint}${ep.telemetry ? ` --telemetry ${ep.telemetry}` : ''}${key}`
      )
      say(
        `  or   /usr/bin/python3 examples/python/worker.py ${ep.endpoint} '${redis.secretUrl ?? ''}'${key}`
      )
    } else if (ep?.serverKey) {
      ;(json ? io.stderr : io.stdout)(`CURVE on ${ep.endpoint}; server key: ${ep.serverKey}`)
    }
    await opts.onLab?.(dispatch)
    const report = await withProgress(dispatch.waitForSettled(), () => progressLine(dispatch), {
      json,
      out: opts.progress
    })
    await cleanup()
    if (json) io.stdout(JSON.stringify(report))
    else for (const line of summary(report)) io.stdout(line)
    if (interrupted) return 130
    return report.verdict === 'held' ? 0 : 1
  } catch (err) {
    io.stderr(`flowlab run: ${(err as Error).message}`)
    await cleanup()
    return 2
  }
}

function progressLine(lab: DispatchLab): string {
  const info = lab.toInfo()
  const { messages, settled, acked, inFlight } = info.progress
  const ratio = messages > 0 ? settled / messages : 0
  const filled = Math.round(ratio * PROGRESS_BAR_WIDTH)
  const rate = info.series.at(-1)?.msgsPerSec ?? 0
  return `\r[${'#'.repeat(filled)}${'.'.repeat(PROGRESS_BAR_WIDTH - filled)}] ${settled}/${messages} settled, ${acked} acked, ${inFlight} in flight, ${Math.round(rate)} msg/s `
}

function summary(r: DispatchReport): string[] {
  const lines = [
    `Dispatch run ${r.labId}: ${r.semantics}, ${r.messages} epochs in ${(r.durationMs / 1_000).toFixed(1)} s`,
    `Guarantee (${r.guarantee}): ${r.verdict.toUpperCase()}`,
    `Executions per epoch: ${r.counts.zero} never, ${r.counts.once} once, ${r.counts.many} more than once`,
    `Deliveries ${r.deliveries}, executions ${r.executions}, sends ${r.dispatcher.sends} (${r.dispatcher.resends} re-sends)`,
    `Throughput ${r.throughput} msg/s; latency p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms`
  ]
  const link = r.link
  const faults = [
    [
      'requests dropped',
      link.toWorker.counters.dropped +
        link.toWorker.counters.droppedNext +
        link.toWorker.counters.droppedCut
    ],
    [
      'acks dropped',
      link.toDispatcher.counters.dropped +
        link.toDispatcher.counters.droppedNext +
        link.toDispatcher.counters.droppedCut
    ],
    ['requests duplicated', link.toWorker.counters.duplicated],
    ['worker crashes', r.workers.reduce((n, w) => n + w.crashes, 0)],
    ['Redis restarts', r.redis.restarts],
    ['malformed frames rejected', link.rejected.total]
  ].filter(([, n]) => (n as number) > 0)
  if (faults.length > 0) lines.push(`Faults: ${faults.map(([k, n]) => `${n} ${k}`).join(', ')}`)
  const reasons = Object.entries(link.rejected.byReason)
  if (reasons.length > 0) {
    lines.push(`Rejected by reason: ${reasons.map(([reason, n]) => `${n} ${reason}`).join(', ')}`)
  }
  if (r.violations.length > 0) {
    lines.push(`Violations: ${r.violations.length}`)
    for (const [cause, n] of Object.entries(r.byCause)) {
      lines.push(
        `  ${n} × ${cause}: ${VIOLATION_CAUSE_TEXT[cause as keyof typeof VIOLATION_CAUSE_TEXT]}`
      )
    }
    for (const v of r.violations.slice(0, SUMMARY_VIOLATIONS_MAX)) {
      lines.push(
        `  epoch ${v.epoch}: executed ${v.executions}× (${v.deliveries} deliveries, ${v.attempts} sends) — ${v.cause}`
      )
    }
    if (r.violations.length > SUMMARY_VIOLATIONS_MAX) {
      lines.push(
        `  … and ${r.violations.length - SUMMARY_VIOLATIONS_MAX} more (--json lists them all)`
      )
    }
  }
  for (const note of r.notes) lines.push(`Note: ${note}`)
  return lines
}
