import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runScenarioCommand } from '../../src/main/cli/scenario-command'
import type { RedisHost } from '../../src/main/engine/redis/redis-host'
import { runScenarioHeadless } from '../../src/main/scenario/headless'
import { loadScenarioFile } from '../../src/main/scenario/load'
import { checkScenario, type CheckedScenario } from '../../src/main/scenario/validate'
import { fakeIo, startRedis } from './dispatch-harness'

// `flowlab scenario` end to end on the real labs: the shipped packs pass (acceptance 1), a wrong
// expectation fails with exit 1 naming the difference, an invalid file exits 2 naming the field,
// the worked example of docs/SCENARIOS.md is the fixture and runs (acceptance 2), and the same
// seed hits the same epochs in two runs (acceptance 3).

const ROOT = resolve(import.meta.dirname, '..', '..')
const FIXTURES = resolve(ROOT, 'test', 'fixtures', 'scenarios')

function checked(file: string): CheckedScenario {
  const loaded = loadScenarioFile(file)
  if (!loaded.ok) throw new Error(`${file}: ${loaded.issue.path}: ${loaded.issue.message}`)
  return loaded
}

describe('flowlab scenario', () => {
  it('runs every shipped scenario, each on a fresh engine and Redis, and exits 0', async () => {
    const { io, stdout, stderr } = fakeIo()
    const code = await runScenarioCommand(['run', resolve(ROOT, 'scenarios')], io)
    expect(stderr).toEqual([])
    expect(stdout.filter((l) => l.startsWith('FAIL') || l.startsWith('  differs'))).toEqual([])
    expect(stdout.filter((l) => l.startsWith('PASS')).length).toBeGreaterThanOrEqual(17)
    expect(code).toBe(0)
  }, 300_000)

  it('a wrong expectation exits 1 and says what differed', async () => {
    const { io, stdout } = fakeIo()
    const code = await runScenarioCommand(['run', resolve(FIXTURES, 'wrong-expectation.json')], io)
    expect(code).toBe(1)
    expect(stdout[0]).toMatch(/^FAIL channels\/wrong-expectation: held \(expected held\)/)
    expect(stdout).toContain('  differs: counts.client.con.received: expected 4, got 3')
    expect(stdout).toContain(
      '  differs: facts.client.con.order: expected "e3,e2,e1", got "e1,e2,e3"'
    )
  })

  it('an invalid file exits 2, names the field and runs nothing', async () => {
    const { io, stdout, stderr } = fakeIo()
    const code = await runScenarioCommand(
      ['run', resolve(FIXTURES, 'invalid.json'), resolve(FIXTURES, 'wrong-expectation.json')],
      io
    )
    expect(code).toBe(2)
    expect(stdout).toEqual([])
    expect(stderr).toHaveLength(1)
    expect(stderr[0]).toMatch(/^INVALID .*invalid\.json: settings\.messages: /)
  })

  it('the worked example in docs/SCENARIOS.md is the fixture, and it passes', async () => {
    const doc = readFileSync(resolve(ROOT, 'docs', 'SCENARIOS.md'), 'utf8')
    const block = /## A worked example[\s\S]*?```json\n([\s\S]*?)\n```/.exec(doc)?.[1]
    const file = resolve(FIXTURES, 'worked-example.json')
    expect(block).toBeDefined()
    expect(JSON.parse(block ?? '')).toEqual(JSON.parse(readFileSync(file, 'utf8')))
    const { io, stdout } = fakeIo()
    const code = await runScenarioCommand(['run', '--json', file], io)
    const out = JSON.parse(stdout.at(-1) ?? '{}') as {
      results: { passed: boolean; applied: { ok: boolean; type: string }[] }[]
    }
    expect(out.results[0]?.applied).toMatchObject([{ ok: true, type: 'dispatch:fault' }])
    expect(code).toBe(0)
  })

  it('compare runs both and prints the two verdicts in columns', async () => {
    const { io, stdout } = fakeIo()
    const code = await runScenarioCommand(
      [
        'compare',
        resolve(ROOT, 'scenarios', 'channels', '06-order-policy.json'),
        resolve(ROOT, 'scenarios', 'channels', '07-discard-policy.json')
      ],
      io
    )
    expect(code).toBe(0)
    expect(stdout[0]).toMatch(/^scenario +channels\/order-policy +channels\/discard-policy$/)
    expect(stdout[1]).toMatch(/^verdict +held +held$/)
  })
})

describe('seeded scenarios', () => {
  let redis: RedisHost
  let close: () => Promise<void>

  beforeAll(async () => {
    ;({ redis, close } = await startRedis())
  })

  afterAll(async () => {
    await close()
  })

  it('the same seed drops the same epochs in two runs; another seed others', async () => {
    const base = checked(resolve(ROOT, 'scenarios', 'dispatch', '1-at-most-once-drops.json'))
    const lost = async (seed: number): Promise<string> => {
      const again = checkScenario({ ...base.scenario, seed })
      if (!again.ok) throw new Error(again.issue.message)
      const result = await runScenarioHeadless(again.value, { redis })
      expect(result.settings.seed).toBe(seed)
      return result.outcome.facts.lost ?? ''
    }
    const first = await lost(7)
    expect(first.split(',').length).toBeGreaterThan(10)
    expect(await lost(7)).toBe(first)
    expect(await lost(8)).not.toBe(first)
  }, 120_000)
})
