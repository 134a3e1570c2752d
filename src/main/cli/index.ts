import { spawn } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { runCacheCommand } from './cache-command'
import { runChannelsHost } from './channels-host'
import { runClusterCommand } from './cluster-command'
import { runConsole } from './console-command'
import { electronBinary, electronUnavailableReason } from './electron-check'
import { runFilterCommand } from './filter-command'
import { runDispatchCommand } from './run-command'
import { runScenarioCommand } from './scenario-command'
import { runWorkerCommand } from './worker-command'
import type { CliIo } from './io'
import { appRoot } from './paths'

/**
 * How often a CLI process checks that its parent is still there. `npm start` runs us under
 * `sh -c`, and a SIGINT sent to npm alone kills that shell without passing the signal on; without
 * this check we (and the Redis we started) would live on as orphans.
 */
const PARENT_CHECK_INTERVAL_MS = 500

const USAGE = `usage: flowlab <command> [options]
commands:
  start     the desktop window where Electron can run, else the browser console
  console   serve the console in a browser (flowlab console --help)
  run       a headless Dispatch lab run with a report (flowlab run --help)
  cache     a headless Cache lab run with a report (flowlab cache --help)
  cluster   a headless Cluster lab run on a real Redis Cluster (flowlab cluster --help)
  scenario  run, compare or check lesson scenario files (flowlab scenario --help)
  worker    a Dispatch lab worker you start by hand (flowlab worker --help)
  filter    evaluate a Notification Service constraint against events (flowlab filter --help)`

function processIo(): CliIo {
  return {
    stdout: (line) => process.stdout.write(line + '\n'),
    stderr: (line) => process.stderr.write(line + '\n'),
    readFile: (path) => readFile(path, 'utf8'),
    env: process.env,
    onShutdown: (handler) => {
      let signalled = false
      const stop = (): void => {
        // A second Ctrl-C while stopping means "now": exit; children get the same signal from
        // the terminal's process group.
        if (signalled) process.exit(130)
        signalled = true
        clearInterval(parentWatch)
        handler()
      }
      for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, stop)
      const parent = process.ppid
      const parentWatch = setInterval(() => {
        if (process.ppid !== parent) stop()
      }, PARENT_CHECK_INTERVAL_MS)
      parentWatch.unref()
    }
  }
}

/** `flowlab start`: Electron's window if it can open here; else say why and serve the console. */
async function runStart(argv: string[], io: CliIo): Promise<number> {
  const reason = electronUnavailableReason(io.env)
  if (reason) {
    io.stdout(`Desktop window unavailable: ${reason}. Serving the console in your browser instead.`)
    return runConsole(argv, io)
  }
  const child = spawn(electronBinary(), [appRoot(), ...argv], { stdio: 'inherit' })
  io.onShutdown(() => child.kill('SIGTERM'))
  return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 0)))
}

async function main(argv: string[]): Promise<number> {
  const io = processIo()
  const [command, ...rest] = argv
  switch (command) {
    case 'start':
      return runStart(rest, io)
    case 'console':
      return runConsole(rest, io)
    case 'filter':
      return runFilterCommand(rest, io)
    case 'run':
      return runDispatchCommand(rest, io)
    case 'cache':
      return runCacheCommand(rest, io)
    case 'cluster':
      return runClusterCommand(rest, io)
    case 'scenario':
      return runScenarioCommand(rest, io)
    case 'worker':
      return runWorkerCommand(rest, io)
    case 'channels-host':
      return runChannelsHost(rest, io)
    case undefined:
    case '--help':
    case '-h':
      io.stdout(USAGE)
      return command === undefined ? 2 : 0
    default:
      io.stderr(`flowlab: unknown command '${command}'\n${USAGE}`)
      return 2
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(
      `flowlab: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`
    )
    process.exit(1)
  }
)
