import type { ErrorInfo } from '@shared/contract'
import {
  STEP_REF_PATTERN,
  type AppliedCommand,
  type Scenario,
  type ScenarioFault,
  type ScenarioResult,
  type ScenarioStep
} from '@shared/contract/scenario'
import type { ScenarioAdapter, ScenarioEngine } from '../engine/scenario-adapter'
import { countHolds, grade } from './grade'
import type { CheckedScenario } from './validate'

/** How often the runner looks at the run's progress for due faults and waits. */
const POLL_MS = 10

export interface RunScenarioOptions {
  /** Settings to use instead of the file's (the console's "change a setting and re-run"). */
  settings?: Record<string, unknown>
  /** Called with each command as it is applied. */
  onApplied?: (applied: AppliedCommand) => void
  /** Called once the run ended with what an export keeps for the lab's diagram (or null). */
  onRecording?: (recording: unknown) => void
}

const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms).unref())

/** The code a failed command reports: the lab's notifyCode when it has one, else the error code. */
function codeOf(error: ErrorInfo): string {
  const notify = error.details?.notifyCode
  return typeof notify === 'string' ? notify : error.code
}

/** Replaces each `$name.field` string with that field of the named earlier reply. */
function resolveRefs(value: unknown, replies: Map<string, unknown>): unknown {
  if (typeof value === 'string') {
    const m = STEP_REF_PATTERN.exec(value)
    if (!m?.[1] || !m[2]) return value
    let v: unknown = replies.get(m[1])
    for (const key of m[2].split('.')) {
      v = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[key] : undefined
    }
    if (v === undefined) throw new Error(`${value}: the reply of '${m[1]}' has no ${m[2]}`)
    return v
  }
  if (Array.isArray(value)) return value.map((v) => resolveRefs(v, replies))
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveRefs(v, replies)]))
  }
  return value
}

/** Runs the fault schedule against a live run until `ended` settles. */
async function runSchedule(
  engine: ScenarioEngine,
  adapter: ScenarioAdapter,
  faults: readonly ScenarioFault[],
  startedAt: number,
  ended: Promise<unknown>,
  record: (a: AppliedCommand) => void
): Promise<number[]> {
  let done = false
  void ended.then(
    () => (done = true),
    () => (done = true)
  )
  let next = 0
  while (!done && next < faults.length) {
    const fault = faults[next] as ScenarioFault
    const progress = adapter.progress?.(engine) ?? { acked: 0, messages: 0 }
    const elapsed = Date.now() - startedAt
    const at = fault.at
    const due =
      'acked' in at
        ? progress.acked >= at.acked
        : 'messages' in at
          ? progress.messages >= at.messages
          : elapsed >= at.ms
    if (!due) {
      await sleep(POLL_MS)
      continue
    }
    const result = await engine.execute(fault.command)
    record({
      where: `faults.${next}`,
      type: String(fault.command.type),
      atMs: elapsed,
      progress,
      ok: result.ok,
      error: result.ok ? null : codeOf(result.error)
    })
    next++
  }
  return faults.map((_, i) => i).slice(next)
}

/** Runs the script of a script-mode lab; returns the differences it met (empty: as scripted). */
async function runSteps(
  engine: ScenarioEngine,
  adapter: ScenarioAdapter,
  steps: readonly ScenarioStep[],
  startedAt: number,
  record: (a: AppliedCommand) => void,
  causes: Record<string, number>
): Promise<string[]> {
  const replies = new Map<string, unknown>()
  for (const [i, step] of steps.entries()) {
    const where = `steps.${i}`
    if ('do' in step) {
      let command: unknown
      try {
        command = resolveRefs(step.do, replies)
      } catch (err) {
        return [`${where}: ${(err as Error).message}`]
      }
      const result = await engine.execute(command)
      const error = result.ok ? null : codeOf(result.error)
      record({
        where,
        type: String(step.do.type),
        atMs: Date.now() - startedAt,
        progress: null,
        ok: result.ok,
        error
      })
      if (error) causes[error] = (causes[error] ?? 0) + 1
      if (step.expectError !== undefined) {
        if (result.ok)
          return [`${where} (${step.do.type}): expected error ${step.expectError}, it succeeded`]
        if (error !== step.expectError && result.error.code !== step.expectError) {
          return [
            `${where} (${step.do.type}): expected error ${step.expectError}, got ${error}: ${result.error.message}`
          ]
        }
      } else if (!result.ok) {
        return [`${where} (${step.do.type}): failed: ${result.error.message}`]
      }
      if (step.as && result.ok) replies.set(step.as, result.value)
    } else {
      const deadline = Date.now() + step.timeoutMs
      for (;;) {
        const o = adapter.outcome(engine, null)
        const w = step.wait
        const holds =
          'count' in w ? countHolds(o.counts[w.count], w.min, w.max) : o.facts[w.fact] === w.equals
        if (holds) break
        if (Date.now() > deadline) {
          const got =
            'count' in w ? String(o.counts[w.count] ?? 'nothing') : `"${o.facts[w.fact] ?? ''}"`
          const want =
            'count' in w
              ? `${w.count} in [${w.min ?? '-∞'}, ${w.max ?? '∞'}]`
              : `${w.fact} = "${w.equals}"`
          return [`${where}: waited ${step.timeoutMs} ms for ${want}, got ${got}`]
        }
        await sleep(POLL_MS)
      }
    }
  }
  return []
}

/**
 * Runs one checked scenario on an engine that runs its lab (a headless one, or the console's) and
 * grades it. Throws only when the lab could not start the run.
 */
export async function runScenario(
  engine: ScenarioEngine,
  checked: CheckedScenario,
  opts: RunScenarioOptions = {}
): Promise<ScenarioResult> {
  const { scenario, adapter } = checked
  const applied: AppliedCommand[] = []
  const record = (a: AppliedCommand): void => {
    applied.push(a)
    opts.onApplied?.(a)
  }
  const startedAt = Date.now()
  const wanted = opts.settings ?? scenario.settings
  if (adapter.mode === 'run') {
    if (!adapter.start || !adapter.ended) throw new Error(`the ${adapter.lab} adapter cannot run`)
    const settings = await adapter.start(engine, wanted, scenario.seed)
    const ended = adapter.ended(engine)
    const unfired = await runSchedule(engine, adapter, scenario.faults, startedAt, ended, record)
    const report = await ended
    const outcome = adapter.outcome(engine, report)
    opts.onRecording?.(adapter.record?.(engine, report) ?? null)
    await adapter.restore?.(engine)
    for (const i of unfired) {
      outcome.notes.push(`faults.${i} never ran: the run ended before its trigger`)
    }
    return result(scenario, outcome, grade(scenario.expect, outcome), applied, startedAt, settings)
  }
  const causes: Record<string, number> = {}
  const failed = await runSteps(engine, adapter, scenario.steps ?? [], startedAt, record, causes)
  const outcome = adapter.outcome(engine, null)
  opts.onRecording?.(adapter.record?.(engine, null) ?? null)
  outcome.causes = causes
  if (failed.length > 0) outcome.verdict = 'violated'
  const differences = [...failed, ...grade(scenario.expect, outcome)]
  return result(scenario, outcome, differences, applied, startedAt, wanted)
}

function result(
  scenario: Scenario,
  outcome: ScenarioResult['outcome'],
  differences: string[],
  applied: AppliedCommand[],
  startedAt: number,
  settings: Record<string, unknown>
): ScenarioResult {
  return {
    id: scenario.id,
    title: scenario.title,
    lab: scenario.lab,
    passed: differences.length === 0,
    outcome,
    differences: [...new Set(differences)],
    applied,
    durationMs: Date.now() - startedAt,
    settings
  }
}
