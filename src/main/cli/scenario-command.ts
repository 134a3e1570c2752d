import { parseArgs } from 'node:util'
import type { ScenarioResult } from '@shared/contract/scenario'
import type { ScenarioEngine } from '../engine/scenario-adapter'
import { runScenarioHeadless, type HeadlessOptions } from '../scenario/headless'
import { expandPaths, loadScenarioFile, shortName, type LoadedFile } from '../scenario/load'
import type { CheckedScenario } from '../scenario/validate'
import type { CliIo } from './io'
import { reapStaleRunDirs } from './run-dirs'

const USAGE = `usage: flowlab scenario <run|compare|check> [options]
  run FILE|DIR... [--json]   run each scenario on the real lab and grade it: one line each;
                             exit 0 when every outcome matched, 1 when one did not, 2 for an
                             invalid file (the field is named)
  compare A B [--json]       run A then B and print them side by side (counts, verdicts, causes)
  check FILE|DIR...          only validate the files (exit 0 or 2)
  The format: docs/SCENARIOS.md.`

/** Extra seams for tests; the CLI passes none. */
export type ScenarioCommandOptions = Pick<HeadlessOptions, 'redis'>

/** The counts a line shows: the lab's key counts, then those the file expects. */
function lineCounts(checked: CheckedScenario, r: ScenarioResult): string {
  const names = [
    ...new Set([...checked.adapter.keyCounts, ...Object.keys(checked.scenario.expect.counts ?? {})])
  ]
  return names.map((n) => `${n} ${r.outcome.counts[n] ?? '–'}`).join(', ')
}

function resultLine(checked: CheckedScenario, r: ScenarioResult): string {
  const causes = Object.entries(r.outcome.causes)
    .map(([c, n]) => `${c}×${n}`)
    .join(' ')
  const counts = lineCounts(checked, r)
  return `${r.passed ? 'PASS' : 'FAIL'} ${r.id}: ${r.outcome.verdict} (expected ${checked.scenario.expect.verdict})${counts ? `; ${counts}` : ''}${causes ? `; causes ${causes}` : ''} (${(r.durationMs / 1_000).toFixed(1)} s)`
}

/** Loads every named file; prints each invalid one. Null when any was invalid. */
function loadAll(paths: readonly string[], io: CliIo): (LoadedFile & { ok: true })[] | null {
  let files: string[]
  try {
    files = expandPaths(paths)
  } catch (err) {
    io.stderr(`flowlab scenario: ${(err as Error).message}`)
    return null
  }
  if (files.length === 0) {
    io.stderr(`flowlab scenario: no scenario files (*.json) in ${paths.join(' ')}`)
    return null
  }
  const loaded = files.map(loadScenarioFile)
  let bad = false
  for (const l of loaded) {
    if (!l.ok) {
      bad = true
      io.stderr(`INVALID ${shortName(l.file)}: ${l.issue.path}: ${l.issue.message}`)
    }
  }
  return bad ? null : (loaded as (LoadedFile & { ok: true })[])
}

/** Ctrl-C: stop the lab's run under way (its outcome so far is graded), run no further one. */
class Interrupt {
  interrupted = false
  #engine: ScenarioEngine | null = null
  #lab = ''

  constructor(io: CliIo) {
    io.onShutdown(() => {
      this.interrupted = true
      void this.#engine?.execute({ type: `${this.#lab}:stop` })
    })
  }

  options(l: CheckedScenario, opts: ScenarioCommandOptions, io: CliIo): HeadlessOptions {
    return {
      ...opts,
      env: io.env,
      redisUrl: io.env.REDIS_URL || undefined,
      onEngine: (engine) => {
        this.#engine = engine
        this.#lab = l.adapter.lab
      }
    }
  }
}

/** Ends what killed earlier runs left behind (as `flowlab run` does), saying so. */
function reap(io: CliIo): void {
  const stale = reapStaleRunDirs()
  if (stale.processes.length > 0 || stale.dirs.length > 0) {
    io.stderr(
      `flowlab scenario: cleaned up after an earlier run that was killed: ended ${stale.processes.length} process(es), removed ${stale.dirs.length} folder(s)`
    )
  }
}

async function runAll(
  loaded: (LoadedFile & { ok: true })[],
  json: boolean,
  io: CliIo,
  opts: ScenarioCommandOptions
): Promise<number> {
  const results: ScenarioResult[] = []
  const stop = new Interrupt(io)
  for (const l of loaded) {
    if (stop.interrupted) break
    const r = await runScenarioHeadless(l, stop.options(l, opts, io))
    results.push(r)
    if (!json) {
      io.stdout(resultLine(l, r))
      for (const d of r.differences) io.stdout(`  differs: ${d}`)
    }
  }
  const failed = results.filter((r) => !r.passed).length
  if (json) io.stdout(JSON.stringify({ passed: failed === 0, results }))
  else
    io.stdout(`${results.length - failed} of ${results.length} scenarios matched their expectation`)
  if (stop.interrupted) return 130
  return failed === 0 ? 0 : 1
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length)
}

/** Two results side by side: rows of name | A | B. */
export function compareRows(a: ScenarioResult, b: ScenarioResult): [string, string, string][] {
  const rows: [string, string, string][] = [
    ['scenario', a.id, b.id],
    ['verdict', a.outcome.verdict, b.outcome.verdict],
    ['expected', a.passed ? 'matched' : 'DIFFERS', b.passed ? 'matched' : 'DIFFERS']
  ]
  const causes = [...new Set([...Object.keys(a.outcome.causes), ...Object.keys(b.outcome.causes)])]
  for (const c of causes) {
    rows.push([`cause ${c}`, String(a.outcome.causes[c] ?? 0), String(b.outcome.causes[c] ?? 0)])
  }
  const counts = [...new Set([...Object.keys(a.outcome.counts), ...Object.keys(b.outcome.counts)])]
  for (const c of counts) {
    rows.push([c, String(a.outcome.counts[c] ?? '–'), String(b.outcome.counts[c] ?? '–')])
  }
  rows.push(['seconds', (a.durationMs / 1_000).toFixed(1), (b.durationMs / 1_000).toFixed(1)])
  return rows
}

async function compare(
  loaded: (LoadedFile & { ok: true })[],
  json: boolean,
  io: CliIo,
  opts: ScenarioCommandOptions
): Promise<number> {
  const [a, b] = loaded
  if (!a || !b || loaded.length !== 2) {
    io.stderr(`flowlab scenario compare: needs exactly two scenario files\n${USAGE}`)
    return 2
  }
  const stop = new Interrupt(io)
  const ra = await runScenarioHeadless(a, stop.options(a, opts, io))
  if (stop.interrupted) return 130
  const rb = await runScenarioHeadless(b, stop.options(b, opts, io))
  if (stop.interrupted) return 130
  if (json) io.stdout(JSON.stringify({ a: ra, b: rb }))
  else {
    const rows = compareRows(ra, rb)
    const w0 = Math.max(...rows.map((r) => r[0].length))
    const w1 = Math.max(...rows.map((r) => r[1].length))
    for (const [name, x, y] of rows) io.stdout(`${pad(name, w0)}  ${pad(x, w1)}  ${y}`)
  }
  return ra.passed && rb.passed ? 0 : 1
}

/**
 * `flowlab scenario`: run, compare or check scenario files headless.
 * @returns 0 when every outcome matched, 1 when one did not, 2 for an invalid file or bad usage.
 */
export async function runScenarioCommand(
  argv: string[],
  io: CliIo,
  opts: ScenarioCommandOptions = {}
): Promise<number> {
  const [sub, ...rest] = argv
  let values: { json?: boolean; help?: boolean }
  let positionals: string[]
  try {
    ;({ values, positionals } = parseArgs({
      args: rest,
      strict: true,
      allowPositionals: true,
      options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }
    }))
  } catch (err) {
    io.stderr(`flowlab scenario: ${(err as Error).message}\n${USAGE}`)
    return 2
  }
  if (sub === '--help' || sub === '-h' || values.help) {
    io.stdout(USAGE)
    return 0
  }
  if (sub !== 'run' && sub !== 'compare' && sub !== 'check') {
    io.stderr(
      `flowlab scenario: ${sub === undefined ? 'missing' : `unknown`} subcommand${sub ? ` '${sub}'` : ''}\n${USAGE}`
    )
    return 2
  }
  if (positionals.length === 0) {
    io.stderr(`flowlab scenario ${sub}: name at least one scenario file or folder\n${USAGE}`)
    return 2
  }
  const loaded = loadAll(positionals, io)
  if (!loaded) return 2
  if (sub === 'check') {
    io.stdout(`${loaded.length} scenario file(s) valid`)
    return 0
  }
  reap(io)
  try {
    return sub === 'run'
      ? await runAll(loaded, values.json ?? false, io, opts)
      : await compare(loaded, values.json ?? false, io, opts)
  } catch (err) {
    io.stderr(`flowlab scenario: ${(err as Error).message}`)
    return 2
  }
}
