import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineLabContract, ErrorCode, LAB_CONTRACTS, parseReply } from '@shared/contract'
import { createEngine, type Engine } from '../../src/main/engine'
import type { LabDefinition } from '../../src/main/engine/lab'
import { LAB_DEFINITIONS } from '../../src/main/engine/labs'

// The example lab of docs/ARCHITECTURE.md, line for line: a contract and a lab definition.
const CounterCommand = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('counter:add'), by: z.number().int().min(1) })
])
const counterContract = defineLabContract<{ total: number }>()({
  id: 'counter',
  commands: CounterCommand,
  results: { 'counter:add': z.strictObject({ total: z.number() }) }
})
const counterLab: LabDefinition<{ total: number }, z.output<typeof CounterCommand>> = {
  id: 'counter',
  contract: counterContract,
  create: (context) => {
    let total = 0
    return {
      id: 'counter',
      start: async () => context.emit('ready', 'info', 'counter at 0'),
      close: async () => undefined,
      execute: async (command) => ({ total: (total += command.by) }),
      toInfo: () => ({ total }),
      problems: () =>
        total > 100 ? [{ id: 'counter:high', severity: 'warning', message: 'over 100' }] : []
    }
  }
}

describe('a lab registered with the engine', () => {
  let engine: Engine | null = null
  let dir: string | null = null
  afterEach(async () => {
    await engine?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
    engine = null
    dir = null
  })

  async function start(): Promise<Engine> {
    dir = mkdtempSync(join(tmpdir(), 'flowlab-example-lab-'))
    // No redis-server on this PATH: a lab that needs no Redis still runs (and it keeps the test fast).
    engine = createEngine({
      dataDir: dir,
      door: 'cli',
      env: { PATH: '/nonexistent' },
      labDefinitions: [counterLab]
    })
    await engine.start()
    return engine
  }

  it('is driven through the engine: validated command, routed by prefix, view in snapshot.labs', async () => {
    const e = await start()
    const reply = await e.execute({ type: 'counter:add', by: 2 })
    expect(reply).toEqual({ ok: true, value: { total: 2 } })
    if (reply.ok)
      expect(parseReply('counter:add', reply.value, { counter: counterContract }).ok).toBe(true)
    expect((e.getSnapshot().labs as unknown as Record<string, unknown>).counter).toEqual({
      total: 2
    })
    await e.execute({ type: 'counter:add', by: 99 })
    expect(e.getSnapshot().problems.map((p) => p.id)).toContain('counter:high')
  })

  it('rejects a malformed command at the boundary and changes nothing', async () => {
    const e = await start()
    const bad = await e.execute({ type: 'counter:add', by: 0 })
    expect(bad.ok).toBe(false)
    if (!bad.ok) {
      expect(bad.error.code).toBe(ErrorCode.InvalidCommand)
      expect(bad.error.field).toBe('by')
    }
    // A lab this engine does not run is unknown here, whatever the registry holds.
    const other = await e.execute({ type: 'dispatch:stop' })
    expect(other.ok).toBe(false)
    if (!other.ok) expect(other.error.field).toBe('type')
    expect((e.getSnapshot().labs as unknown as Record<string, unknown>).counter).toEqual({
      total: 0
    })
  })

  it('tags its trace events with its id', async () => {
    const events: string[] = []
    dir = mkdtempSync(join(tmpdir(), 'flowlab-example-lab-'))
    engine = createEngine({
      dataDir: dir,
      door: 'cli',
      env: { PATH: '/nonexistent' },
      labDefinitions: [counterLab],
      onTrace: (event) => events.push(`${event.source}:${event.type}`)
    })
    await engine.start()
    expect(events).toContain('counter:ready')
  })
})

describe('docs/ARCHITECTURE.md', () => {
  it('shows the example lab exactly as this test registers it', () => {
    const doc = readFileSync(join(import.meta.dirname, '../../docs/ARCHITECTURE.md'), 'utf8')
    const shown = /```ts\n([\s\S]*?)```/.exec(doc)?.[1] ?? ''
    expect(shown.length).toBeGreaterThan(200)
    expect(readFileSync(import.meta.filename, 'utf8')).toContain(shown)
  })
})

describe('the lab registries', () => {
  it('the engine registry and the contract registry list the same labs, each with its contract', () => {
    expect(LAB_DEFINITIONS.map((d) => d.id).sort()).toEqual(Object.keys(LAB_CONTRACTS).sort())
    for (const definition of LAB_DEFINITIONS) {
      expect(definition.contract).toBe(LAB_CONTRACTS[definition.id as keyof typeof LAB_CONTRACTS])
    }
  })
})
