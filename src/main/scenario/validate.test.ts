import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { scenarioJsonSchema } from '@shared/contract/scenario'
import { checkScenarioText, loadScenarioFile, scenarioFilesIn } from './load'
import { checkScenario } from './validate'
import { SCHEMA_FILE } from './write-schema'

const ROOT = resolve(import.meta.dirname, '..', '..', '..')

const base = {
  version: 1,
  id: 'dispatch/t',
  title: 't',
  lab: 'dispatch',
  settings: { semantics: 'at-least-once', messages: 10 },
  expect: { verdict: 'held' },
  lesson: 'l',
  explanation: 'e'
}

function pathOf(input: unknown): string {
  const checked = checkScenario(input)
  if (checked.ok) throw new Error('expected the scenario to be refused')
  return checked.issue.path
}

describe('scenario files', () => {
  it('docs/scenario.schema.json is the zod schema, generated (write-schema.ts)', () => {
    // Out of date (a lab's settings or the format changed)? Regenerate it:
    //   npx tsx src/main/scenario/write-schema.ts && npx prettier --write docs/scenario.schema.json
    const schema = scenarioJsonSchema()
    expect(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'))).toEqual(schema)
    // Each lab's start settings are in it, so an editor completes them.
    const allOf = schema.allOf as { then: { properties: { settings: { properties?: object } } } }[]
    expect(allOf.some((c) => 'semantics' in (c.then.properties.settings.properties ?? {}))).toBe(
      true
    )
  })

  it('every shipped scenario is valid and its next names a shipped one', () => {
    const files = scenarioFilesIn(resolve(ROOT, 'scenarios'))
    expect(files.length).toBeGreaterThanOrEqual(5)
    const loaded = files.map(loadScenarioFile)
    const bad = loaded.flatMap((l) =>
      l.ok ? [] : [`${l.file}: ${l.issue.path}: ${l.issue.message}`]
    )
    expect(bad).toEqual([])
    const ids = new Set(loaded.map((l) => (l.ok ? l.scenario.id : '')))
    expect(ids.size).toBe(files.length)
    for (const l of loaded) if (l.ok && l.scenario.next) expect(ids).toContain(l.scenario.next)
  })

  it('accepts a minimal scenario', () => {
    expect(checkScenario(base).ok).toBe(true)
  })

  it('names the bad field', () => {
    expect(pathOf({ ...base, version: 2 })).toBe('version')
    expect(pathOf({ ...base, lesson: undefined })).toBe('lesson')
    expect(pathOf({ ...base, bogus: 1 })).toBe('bogus')
    expect(pathOf({ ...base, lab: 'nolab', id: 'nolab/t' })).toBe('lab')
    expect(pathOf({ ...base, settings: { messages: 0 } })).toBe('settings.messages')
    expect(pathOf({ ...base, settings: { semantic: 'x' } })).toBe('settings.semantic')
    expect(pathOf({ ...base, settings: { toWorker: { dropP: 2 } } })).toBe(
      'settings.toWorker.dropP'
    )
    expect(
      pathOf({
        ...base,
        faults: [{ at: { acked: 5 }, command: { type: 'dispatch:fault', fault: { kind: 'nope' } } }]
      })
    ).toBe('faults.0.command.fault.kind')
    expect(
      pathOf({ ...base, faults: [{ at: { acked: 5 }, command: { type: 'dispatch:explode' } }] })
    ).toBe('faults.0.command.type')
    expect(
      pathOf({ ...base, faults: [{ at: { when: 5 }, command: { type: 'redis:kill' } }] })
    ).toBe('faults.0.at')
    expect(pathOf({ ...base, expect: { verdict: 'held', counts: { zeros: 1 } } })).toBe(
      'expect.counts.zeros'
    )
    expect(pathOf({ ...base, expect: { verdict: 'held', causes: ['gremlins'] } })).toBe(
      'expect.causes.0'
    )
    expect(pathOf({ ...base, expect: { verdict: 'ok' } })).toBe('expect.verdict')
    expect(pathOf({ ...base, steps: [] })).toBe('steps')
  })

  it('checks a script: commands by the parser, references to earlier steps', () => {
    const script = {
      ...base,
      id: 'channels/t',
      lab: 'channels',
      settings: {},
      steps: [
        { do: { type: 'channels:create', label: 'A' }, as: 'a' },
        { do: { type: 'channels:connect', channelId: '$a.channelId', role: 'push-consumer' } }
      ]
    }
    expect(checkScenario(script).ok).toBe(true)
    const bad = structuredClone(script)
    bad.steps[1] = {
      do: { type: 'channels:connect', channelId: '$b.channelId', role: 'push-consumer' }
    }
    expect(pathOf(bad)).toBe('steps.1.do')
    const badRole = structuredClone(script)
    badRole.steps[1] = { do: { type: 'channels:connect', channelId: '$a.channelId', role: 'x' } }
    expect(pathOf(badRole)).toBe('steps.1.do.role')
    expect(pathOf({ ...script, settings: { messages: 1 } })).toBe('settings.messages')
  })

  it('refuses text that is not JSON, with the file as the field', () => {
    const checked = checkScenarioText('{"version": 1, "id": ')
    expect(checked.ok).toBe(false)
    if (!checked.ok) expect(checked.issue.path).toBe('file')
  })
})
