import { CommandError, ErrorCode } from '@shared/contract'
import {
  RUN_EXPORT_FORMAT,
  SCENARIO_APPLIED_MAX,
  ScenarioCommandType,
  type RunExport,
  type Scenario,
  type InvalidScenarioFile,
  type ScenarioInfo,
  type ScenarioListResult,
  type ScenarioResult
} from '@shared/contract/scenario'
import type { ScenarioEngine } from '../engine/scenario-adapter'
import { loadScenarioFile, scenarioFilesIn } from './load'
import { runScenario } from './runner'
import type { CheckedScenario } from './validate'

/** The scenario commands after validation. */
export type ScenarioServiceCommand =
  | { type: typeof ScenarioCommandType.List }
  | {
      type: typeof ScenarioCommandType.Run
      id: string
      settings?: Record<string, unknown> | undefined
    }
  | { type: typeof ScenarioCommandType.Compare; a: string; b: string }
  | { type: typeof ScenarioCommandType.Stop }
  | { type: typeof ScenarioCommandType.Export; index: number }

const IDLE: ScenarioInfo = {
  status: 'idle',
  mode: 'single',
  ids: [],
  current: null,
  settings: null,
  applied: [],
  results: [],
  error: null,
  startedAt: null
}

/**
 * The engine's lessons: the packs of its scenario folder, and one scenario run (or compare) at a
 * time on the engine's own labs, in the background; its state is `snapshot.scenario`.
 */
export class ScenarioService {
  readonly #engine: ScenarioEngine
  readonly #dir: string
  #info: ScenarioInfo = IDLE
  /** The scenarios of the last run and what each recorded, by result index. */
  #runs: { scenario: Scenario; recording: unknown }[] = []
  #stopped = false

  constructor(engine: ScenarioEngine, dir: string) {
    this.#engine = engine
    this.#dir = dir
  }

  toInfo(): ScenarioInfo {
    return this.#info
  }

  /** Reads the packs (every call: an instructor may add a file while the console runs). */
  #load(): { checked: CheckedScenario[]; invalid: InvalidScenarioFile[] } {
    let files: string[]
    try {
      files = scenarioFilesIn(this.#dir)
    } catch {
      return { checked: [], invalid: [] }
    }
    const checked: CheckedScenario[] = []
    const invalid: InvalidScenarioFile[] = []
    for (const file of files) {
      const l = loadScenarioFile(file)
      if (!l.ok) invalid.push({ file: file.slice(this.#dir.length + 1), ...l.issue })
      else if (this.#engine.lab(l.adapter.lab))
        checked.push({ scenario: l.scenario, adapter: l.adapter })
    }
    return { checked, invalid }
  }

  list(): ScenarioListResult {
    const { checked, invalid } = this.#load()
    return { scenarios: checked.map((c) => c.scenario), invalid }
  }

  /** Runs a validated scenario command; `run` and `compare` return once the run has begun. */
  async execute(command: ScenarioServiceCommand): Promise<unknown> {
    switch (command.type) {
      case ScenarioCommandType.List:
        return this.list()
      case ScenarioCommandType.Stop:
        return this.#stop()
      case ScenarioCommandType.Export:
        return this.#export(command.index)
      case ScenarioCommandType.Run:
        this.#begin('single', [this.#find(command.id, 'id', command.settings)], command.settings)
        return null
      case ScenarioCommandType.Compare:
        this.#begin('compare', [this.#find(command.a, 'a'), this.#find(command.b, 'b')], undefined)
        return null
    }
  }

  #find(id: string, field: string, settings?: Record<string, unknown>): CheckedScenario {
    const found = this.#load().checked.find((c) => c.scenario.id === id)
    if (!found) {
      throw new CommandError(ErrorCode.InvalidCommand, `no lesson '${id}' in this console`, {
        field
      })
    }
    if (settings) {
      const issue = found.adapter.settings(settings, found.scenario.seed)[0]
      if (issue) {
        throw new CommandError(ErrorCode.InvalidCommand, `${issue.path}: ${issue.message}`, {
          field: issue.path
        })
      }
    }
    return found
  }

  #begin(
    mode: ScenarioInfo['mode'],
    runs: CheckedScenario[],
    settings: Record<string, unknown> | undefined
  ): void {
    if (this.#info.status === 'running') {
      throw new CommandError(ErrorCode.InvalidState, 'a lesson is running; stop it first')
    }
    this.#stopped = false
    this.#info = {
      ...IDLE,
      status: 'running',
      mode,
      ids: runs.map((r) => r.scenario.id),
      startedAt: Date.now()
    }
    void this.#runAll(runs, settings)
  }

  async #runAll(
    runs: CheckedScenario[],
    settings: Record<string, unknown> | undefined
  ): Promise<void> {
    const results: ScenarioResult[] = []
    this.#runs = []
    try {
      for (const run of runs) {
        if (this.#stopped) break
        const wanted = settings ?? run.scenario.settings
        this.#info = { ...this.#info, current: run.scenario.id, settings: wanted, applied: [] }
        let recording: unknown = null
        const result = await runScenario(this.#engine, run, {
          ...(settings ? { settings } : {}),
          onRecording: (r) => (recording = r),
          onApplied: (a) => {
            if (this.#info.applied.length < SCENARIO_APPLIED_MAX) {
              this.#info = { ...this.#info, applied: [...this.#info.applied, a] }
            }
          }
        })
        results.push(result)
        this.#runs.push({ scenario: run.scenario, recording })
        this.#info = { ...this.#info, results: [...results] }
      }
      this.#info = { ...this.#info, status: this.#stopped ? 'stopped' : 'done', current: null }
    } catch (err) {
      this.#info = { ...this.#info, status: 'error', current: null, error: (err as Error).message }
    }
  }

  #export(index: number): RunExport {
    const result = this.#info.results[index]
    const run = this.#runs[index]
    if (!result || !run || this.#info.status === 'running') {
      throw new CommandError(
        ErrorCode.InvalidState,
        'no finished lesson run to export; run one and wait for its outcome'
      )
    }
    return {
      format: RUN_EXPORT_FORMAT,
      version: 1,
      exportedAt: Date.now(),
      scenario: run.scenario,
      result,
      recording: run.recording
    }
  }

  async #stop(): Promise<null> {
    if (this.#info.status !== 'running') return null
    this.#stopped = true
    const lab = this.#info.current?.split('/')[0]
    if (lab) await this.#engine.execute({ type: `${lab}:stop` }).catch(() => undefined)
    return null
  }
}
