import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import type { ScenarioIssue } from '../engine/scenario-adapter'
import type { ScenarioAdapter } from '../engine/scenario-adapter'
import { SCENARIO_ADAPTERS } from './adapters'
import { checkScenario, type CheckedScenario } from './validate'

/** Largest scenario file read (a lesson is a few KB). */
export const SCENARIO_FILE_MAX_BYTES = 256 * 1024

/** A scenario file, checked: its path and either the scenario or its first problem. */
export type LoadedFile =
  ({ file: string; ok: true } & CheckedScenario) | { file: string; ok: false; issue: ScenarioIssue }

/** Every `*.json` below a folder, sorted by path (one folder per lab, then by file name). */
export function scenarioFilesIn(dir: string): string[] {
  const out: string[] = []
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) out.push(...scenarioFilesIn(path))
    else if (entry.isFile() && entry.name.endsWith('.json')) out.push(path)
  }
  return out.sort()
}

/** The files the arguments name: a file as is, a folder's `*.json` recursively. */
export function expandPaths(paths: readonly string[]): string[] {
  return paths.flatMap((p) => (statSync(p).isDirectory() ? scenarioFilesIn(p) : [p]))
}

/** Parses and checks one scenario's text (a file's, or an upload's). */
export function checkScenarioText(
  text: string,
  adapters: readonly ScenarioAdapter[] = SCENARIO_ADAPTERS
): ReturnType<typeof checkScenario> {
  if (Buffer.byteLength(text) > SCENARIO_FILE_MAX_BYTES) {
    const issue = { path: 'file', message: `larger than ${SCENARIO_FILE_MAX_BYTES} bytes` }
    return { ok: false, issue, issues: [issue] }
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    const issue = { path: 'file', message: `not JSON: ${(err as Error).message}` }
    return { ok: false, issue, issues: [issue] }
  }
  return checkScenario(json, adapters)
}

/** Reads and checks one file. */
export function loadScenarioFile(file: string): LoadedFile {
  let text: string
  try {
    const size = statSync(file).size
    if (size > SCENARIO_FILE_MAX_BYTES) {
      return {
        file,
        ok: false,
        issue: { path: 'file', message: `larger than ${SCENARIO_FILE_MAX_BYTES} bytes` }
      }
    }
    text = readFileSync(file, 'utf8')
  } catch (err) {
    return { file, ok: false, issue: { path: 'file', message: (err as Error).message } }
  }
  const checked = checkScenarioText(text)
  return checked.ok
    ? { file, ok: true, ...checked.value }
    : { file, ok: false, issue: checked.issue }
}

/** A short name of a file for output: relative to the working folder. */
export function shortName(file: string): string {
  const rel = relative(process.cwd(), file)
  return rel.startsWith('..') ? file : rel
}
