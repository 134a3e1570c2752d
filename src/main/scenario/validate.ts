import { parseCommand, type LabContracts } from '@shared/contract'
import {
  ScenarioSchema,
  STEP_REF_PATTERN,
  type Scenario,
  type ScenarioStep
} from '@shared/contract/scenario'
import { issuesOf, type ScenarioAdapter, type ScenarioIssue } from '../engine/scenario-adapter'
import { SCENARIO_ADAPTERS } from './adapters'

/** A scenario that passed every check, with the adapter of its lab. */
export interface CheckedScenario {
  scenario: Scenario
  adapter: ScenarioAdapter
}

/** The first problem of a file: `path` is the dotted field (`faults.2.command.fault.kind`). */
export type ScenarioCheck =
  | { ok: true; value: CheckedScenario }
  | { ok: false; issue: ScenarioIssue; issues: ScenarioIssue[] }

function fail(issues: ScenarioIssue[]): ScenarioCheck {
  const issue = issues[0] ?? { path: 'value', message: 'invalid scenario' }
  return { ok: false, issue, issues }
}

/** The value at a dotted path of a plain JSON value (undefined when absent). */
function at(value: unknown, path: readonly PropertyKey[]): unknown {
  let v = value
  for (const key of path) {
    if (typeof v !== 'object' || v === null) return undefined
    v = (v as Record<string, unknown>)[String(key)]
  }
  return v
}

/** Every `$name.field` reference in a command. */
function refsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') {
    const m = STEP_REF_PATTERN.exec(value)
    if (m?.[1]) out.push(m[1])
  } else if (Array.isArray(value)) for (const v of value) refsIn(v, out)
  else if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) refsIn(v, out)
  }
  return out
}

/**
 * A command of the schedule or the script, checked by the engine's command parser with the
 * contracts of the lab (and the core). In a script, fields holding a `$name.field` reference are
 * left to run time (their value comes from an earlier step).
 */
function commandIssues(command: unknown, contracts: LabContracts, where: string): ScenarioIssue[] {
  const parsed = parseCommand(command, contracts)
  if (parsed.ok) return []
  const issues = parsed.error.issues ?? [{ field: parsed.error.field ?? 'type', message: '' }]
  const out: ScenarioIssue[] = []
  for (const i of issues) {
    const path = i.field.split('.')
    const value = at(command, path)
    if (typeof value === 'string' && STEP_REF_PATTERN.test(value)) continue
    out.push({ path: `${where}.${i.field}`, message: i.message || parsed.error.message })
  }
  return out
}

function nameIssues(s: Scenario, adapter: ScenarioAdapter): ScenarioIssue[] {
  const out: ScenarioIssue[] = []
  const known = (kind: 'count' | 'fact'): string =>
    (kind === 'count' ? adapter.names.counts : adapter.names.facts).join(', ')
  for (const name of Object.keys(s.expect.counts ?? {})) {
    if (!adapter.knowsName(name, 'count')) {
      out.push({
        path: `expect.counts.${name}`,
        message: `the ${adapter.lab} lab has no count '${name}' (it has ${known('count')})`
      })
    }
  }
  for (const name of Object.keys(s.expect.facts ?? {})) {
    if (!adapter.knowsName(name, 'fact')) {
      out.push({
        path: `expect.facts.${name}`,
        message: `the ${adapter.lab} lab has no fact '${name}' (it has ${known('fact')})`
      })
    }
  }
  if (adapter.mode === 'run') {
    for (const [key, list] of [
      ['causes', s.expect.causes],
      ['allowedCauses', s.expect.allowedCauses]
    ] as const) {
      ;(list ?? []).forEach((cause, i) => {
        if (!adapter.causes.includes(cause)) {
          out.push({
            path: `expect.${key}.${i}`,
            message: `the ${adapter.lab} lab names no cause '${cause}' (it names ${adapter.causes.join(', ')})`
          })
        }
      })
    }
  }
  return out
}

function stepIssues(
  steps: readonly ScenarioStep[],
  adapter: ScenarioAdapter,
  contracts: LabContracts
): ScenarioIssue[] {
  const out: ScenarioIssue[] = []
  const named = new Set<string>()
  steps.forEach((step, i) => {
    if ('do' in step) {
      out.push(...commandIssues(step.do, contracts, `steps.${i}.do`))
      for (const ref of refsIn(step.do)) {
        if (!named.has(ref)) {
          out.push({
            path: `steps.${i}.do`,
            message: `'$${ref}.…' names no earlier step (give one "as": "${ref}")`
          })
        }
      }
      if (step.as) named.add(step.as)
    } else {
      const kind = 'count' in step.wait ? 'count' : 'fact'
      const name = 'count' in step.wait ? step.wait.count : step.wait.fact
      if (!adapter.knowsName(name, kind)) {
        out.push({ path: `steps.${i}.wait.${kind}`, message: `no ${kind} '${name}'` })
      }
    }
  })
  return out
}

/**
 * Checks an untrusted scenario: the format's schema, then the lab's adapter and contract (the
 * settings by the lab's start-command schema, every scheduled command by the engine's command
 * parser, count and cause names by the lab). Changes nothing.
 */
export function checkScenario(
  input: unknown,
  adapters: readonly ScenarioAdapter[] = SCENARIO_ADAPTERS
): ScenarioCheck {
  const parsed = ScenarioSchema.safeParse(input)
  if (!parsed.success) return fail(issuesOf(parsed.error))
  const s = parsed.data
  const adapter = adapters.find((a) => a.lab === s.lab)
  if (!adapter) {
    return fail([
      {
        path: 'lab',
        message: `no lab '${s.lab}' has scenarios (labs: ${adapters.map((a) => a.lab).join(', ')})`
      }
    ])
  }
  const issues: ScenarioIssue[] = []
  if (!s.id.startsWith(`${s.lab}/`)) {
    issues.push({ path: 'id', message: `must start with '${s.lab}/' (the lab)` })
  }
  issues.push(...adapter.settings(s.settings, s.seed))
  const contracts: LabContracts = { [adapter.lab]: adapter.definition.contract }
  if (adapter.mode === 'run') {
    if (s.steps !== undefined) {
      issues.push({
        path: 'steps',
        message: `the ${adapter.lab} lab has a run of its own: schedule commands in faults`
      })
    }
  } else {
    if (s.faults.length > 0) {
      issues.push({ path: 'faults', message: `the ${adapter.lab} lab runs a script: use steps` })
    }
    if (!s.steps || s.steps.length === 0) {
      issues.push({ path: 'steps', message: `the ${adapter.lab} lab needs a script (steps)` })
    } else issues.push(...stepIssues(s.steps, adapter, contracts))
  }
  s.faults.forEach((fault, i) => {
    const trigger = Object.keys(fault.at)[0] as 'acked' | 'messages' | 'ms'
    if (trigger !== 'ms' && !adapter.triggers.includes(trigger)) {
      issues.push({
        path: `faults.${i}.at.${trigger}`,
        message: `the ${adapter.lab} lab has no '${trigger}' trigger (use ms${adapter.triggers.map((t) => `, ${t}`).join('')})`
      })
    }
    issues.push(...commandIssues(fault.command, contracts, `faults.${i}.command`))
  })
  issues.push(...nameIssues(s, adapter))
  if (issues.length > 0) return fail(issues)
  return { ok: true, value: { scenario: s, adapter } }
}
