import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ChannelsRecording } from '@shared/contract/labs/channels'
import type { DispatchRecording } from '@shared/contract/labs/dispatch'
import {
  parseRunExport,
  type ScenarioInfo,
  type ScenarioListResult
} from '@shared/contract/scenario'
import { createEngine, type Engine } from '../../src/main/engine/engine'
import type { RedisHost } from '../../src/main/engine/redis/redis-host'
import { startRedis } from './dispatch-harness'

// The lessons served by the engine (core domain `scenario`): listed, run in the background on the
// engine's own labs with the state in snapshot.scenario, re-run with a student's settings, and
// every bad command refused with its field before anything runs.

const ROOT = resolve(import.meta.dirname, '..', '..')

describe('scenario commands on the engine', () => {
  let redis: RedisHost
  let closeRedis: () => Promise<void>
  let engine: Engine
  let dir: string

  beforeAll(async () => {
    ;({ redis, close: closeRedis } = await startRedis())
    dir = mkdtempSync(join(tmpdir(), 'flowlab-scenario-engine-'))
    engine = createEngine({
      dataDir: dir,
      door: 'cli',
      sharedRedis: redis,
      scenarioDir: resolve(ROOT, 'scenarios'),
      labs: { channels: { endpoint: null, prefix: `flowlab:scn-engine-${process.pid}` } }
    })
    await engine.start()
  })

  afterAll(async () => {
    await engine.close()
    await closeRedis()
    rmSync(dir, { recursive: true, force: true })
  })

  const info = (): ScenarioInfo | undefined => engine.getSnapshot().scenario

  async function finished(): Promise<ScenarioInfo> {
    const deadline = Date.now() + 60_000
    for (;;) {
      const i = info()
      if (i && i.status !== 'running') return i
      if (Date.now() > deadline) throw new Error('the lesson did not finish')
      await new Promise((r) => setTimeout(r, 20))
    }
  }

  it('lists the packs', async () => {
    const list = await engine.execute({ type: 'scenario:list' })
    expect(list.ok).toBe(true)
    const value = (list as { value: ScenarioListResult }).value
    expect(value.invalid).toEqual([])
    expect(value.scenarios.map((s) => s.id)).toContain('dispatch/naive-crash')
    expect(info()?.status).toBe('idle')
  })

  it('runs a lesson in the background and grades it', async () => {
    const started = await engine.execute({ type: 'scenario:run', id: 'channels/canonical-push' })
    expect(started).toEqual({ ok: true, value: null })
    const done = await finished()
    expect(done.status).toBe('done')
    expect(done.results[0]).toMatchObject({ id: 'channels/canonical-push', passed: true })
    expect(done.results[0]?.applied.length).toBe(4)
    // Its export keeps the event flow for the read-only view.
    const exported = await engine.execute({ type: 'scenario:export' })
    const opened = parseRunExport(JSON.stringify((exported as { value: unknown }).value))
    if (!opened.ok) throw new Error(opened.message)
    const recording = opened.value.recording as ChannelsRecording
    expect(recording.flow.events.map((e) => e.steps.map((s) => s.kind))).toContainEqual([
      'received',
      'delivered'
    ])
    expect(recording.clients.map((c) => c.label)).toEqual(['sup', 'con'])
  })

  it("re-runs with a student's settings and says what differs", async () => {
    const settings = {
      semantics: 'at-most-once',
      messages: 60,
      workers: 1,
      timeoutMs: 300
    }
    const started = await engine.execute({
      type: 'scenario:run',
      id: 'dispatch/at-most-once-drops',
      settings
    })
    expect(started.ok).toBe(true)
    const done = await finished()
    const result = done.results[0]
    expect(result?.passed).toBe(false)
    expect(result?.differences).toContain('counts.zero: expected at least 10, got 0')
    expect(done.settings).toEqual(settings)
  })

  it('exports the finished run to one file that re-opens; a damaged or cut file is refused', async () => {
    const exported = await engine.execute({ type: 'scenario:export' })
    expect(exported.ok).toBe(true)
    const text = JSON.stringify((exported as { value: unknown }).value)
    const opened = parseRunExport(text)
    if (!opened.ok) throw new Error(opened.message)
    expect(opened.value.scenario.id).toBe('dispatch/at-most-once-drops')
    expect(opened.value.result.settings).toMatchObject({ messages: 60 })
    const recording = opened.value.recording as DispatchRecording
    expect(recording.flow.length).toBeGreaterThan(60)
    expect(recording.perEpoch.executions).toHaveLength(60)

    const cut = parseRunExport(text.slice(0, Math.floor(text.length / 2)))
    expect(cut).toMatchObject({ ok: false })
    if (!cut.ok) expect(cut.message).toMatch(/not complete JSON.*cut short/)
    const json = JSON.parse(text) as {
      result: { outcome: { verdict: string } }
      recording: { flow: { kind: string }[] }
    }
    json.result.outcome.verdict = 'maybe'
    const bad = parseRunExport(JSON.stringify(json))
    if (bad.ok) throw new Error('a bad verdict was accepted')
    expect(bad.message).toMatch(/^not a Flowlab run export: result\.outcome\.verdict: /)
    json.result.outcome.verdict = 'held'
    const first = json.recording.flow[0]
    if (first) first.kind = 'teleport'
    const damaged = parseRunExport(JSON.stringify(json))
    if (damaged.ok) throw new Error('a damaged recording was accepted')
    expect(damaged.message).toMatch(/recording is damaged: recording\.flow\.0\.kind/)
    expect(parseRunExport('{"format":"something-else"}')).toMatchObject({ ok: false })
  })

  it('a lesson without AOF gives the console its AOF setting back', async () => {
    expect(redis.toInfo().persistence).toBe(true)
    await engine.execute({
      type: 'scenario:run',
      id: 'dispatch/redis-forgets',
      settings: {
        semantics: 'exactly-once-atomic',
        messages: 60,
        workers: 1,
        timeoutMs: 300,
        persistence: false
      }
    })
    const done = await finished()
    expect(done.results[0]?.outcome.facts.semantics).toBe('exactly-once-atomic')
    expect(redis.toInfo().persistence).toBe(true)
  })

  it('refuses bad commands with the field, changing nothing', async () => {
    const before = info()
    const unknown = await engine.execute({ type: 'scenario:run', id: 'dispatch/nope' })
    expect(unknown).toMatchObject({ ok: false, error: { code: 'invalid_command' } })
    const badId = await engine.execute({ type: 'scenario:run', id: 'no slash' })
    expect(badId).toMatchObject({ ok: false, error: { code: 'invalid_command', field: 'id' } })
    const badSettings = await engine.execute({
      type: 'scenario:run',
      id: 'dispatch/naive-crash',
      settings: { messages: -1 }
    })
    expect(badSettings).toMatchObject({
      ok: false,
      error: { code: 'invalid_command', details: { field: 'settings.messages' } }
    })
    expect(info()).toEqual(before)
  })
})
