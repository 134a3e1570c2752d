import { writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { soakChannels } from './soak-channels'
import { soakDispatch } from './soak-dispatch'

/**
 * `npm run soak [-- --epochs N --kills K]`: the long hardening runs, not part of `npm test`.
 * 1. N epochs (default 100,000) of exactly-once-atomic with every fault mixed over the run;
 * 2. a persistent channel fed while its host process is SIGKILLed and restarted K times (default 5).
 * Prints a table and writes bench/soak-results.json.
 */
const RESULTS = join(__dirname, 'soak-results.json')
const EPOCHS_DEFAULT = 100_000
const KILLS_DEFAULT = 5

function positive(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`)
  return n
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      epochs: { type: 'string' },
      kills: { type: 'string' },
      'skip-dispatch': { type: 'boolean' },
      'skip-channels': { type: 'boolean' }
    },
    strict: true
  })
  const epochs = positive('epochs', values.epochs, EPOCHS_DEFAULT)
  const kills = positive('kills', values.kills, KILLS_DEFAULT)
  const log = (line: string): void => void process.stdout.write(line + '\n')
  log(
    `Flowlab soak on ${cpus().length} cores, Node ${process.version}: ${epochs} epochs, ${kills} host kills`
  )
  const dispatch = values['skip-dispatch'] ? null : await soakDispatch(epochs, log)
  const channels = values['skip-channels'] ? null : await soakChannels(kills, log)
  const row = (name: string, value: string | number): void =>
    log(`${name.padEnd(40)}${String(value).padStart(14)}`)
  if (dispatch) {
    log('\ndispatch: exactly-once-atomic, every fault mixed (durable dispatcher, AOF on)')
    row('epochs', dispatch.epochs)
    row('verdict', dispatch.verdict)
    row('lost (executed 0 times)', dispatch.lost)
    row('repeated (executed > 1 times)', dispatch.repeated)
    row('Redis restarts', dispatch.faults.redisRestarts)
    row('dispatcher crashes', dispatch.faults.dispatcherCrashes)
    row('worker crashes (after work)', dispatch.faults.workerCrashes)
    row('link drops (both ways)', dispatch.faults.linkDropped)
    row('link duplicates (both ways)', dispatch.faults.linkDuplicated)
    row('re-sends', dispatch.faults.resends)
    row('peak RSS engine process (MiB)', dispatch.rss.engineMiB)
    row('peak RSS one worker, VmHWM (MiB)', dispatch.rss.childMiB ?? 'n/a')
    row('worker processes sampled', dispatch.rss.childrenSampled)
    row('duration (s)', (dispatch.durationMs / 1000).toFixed(1))
    row('throughput (acked/s)', dispatch.throughput)
  }
  if (channels) {
    log('\nchannels: persistent channel, host SIGKILLed and restarted')
    row('host kills', channels.kills)
    row('events acknowledged', channels.acknowledged)
    row('lost (acknowledged, never received)', channels.lost)
    row('duplicated (extra deliveries)', channels.duplicated)
    row('in flight at a kill (unacknowledged)', channels.inFlightAtKill)
    row('… of which delivered anyway', channels.unacknowledgedDelivered)
    row('peak RSS one host, VmHWM (MiB)', channels.rss.childMiB ?? 'n/a')
    row('duration (s)', (channels.durationMs / 1000).toFixed(1))
  }
  const results = {
    dispatch,
    channels,
    meta: { at: new Date().toISOString(), cores: cpus().length, node: process.version }
  }
  writeFileSync(RESULTS, JSON.stringify(results, null, 2) + '\n')
  log(`\nwrote ${RESULTS}`)
  const clean =
    (dispatch === null || (dispatch.lost === 0 && dispatch.repeated === 0)) &&
    (channels === null || channels.lost === 0)
  process.exitCode = clean ? 0 : 1
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (err: unknown) => {
    process.stderr.write(
      `soak failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`
    )
    process.exit(1)
  }
)
