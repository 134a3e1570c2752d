import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { descendants, isAlive, waitUntilGone } from '../helpers/process-table'
import { createEngine } from '../../src/main/engine/engine'
import { tempDir } from '../helpers/temp-dir'

const ROOT = resolve(__dirname, '..', '..')
const CLI = join(ROOT, 'src', 'main', 'cli', 'index.ts')
const ENGINE_MAIN = join(ROOT, 'test', 'helpers', 'dispatch-engine-main.ts')

interface Recorded {
  pid: number
  kind: string
}

/** `flowlab run …` as a real process whose temp folders go under `tmp`. */
function flowlabRun(args: string[], tmp: string): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', CLI, 'run', ...args], {
    cwd: ROOT,
    env: { ...process.env, TMPDIR: tmp, REDIS_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe']
  })
}

/** The flowlab-run-* folders under `tmp`. */
function runDirs(tmp: string): string[] {
  return readdirSync(tmp).filter((name) => name.startsWith('flowlab-run-'))
}

/** Every process the registries under `tmp` hold. */
function recorded(tmp: string): Recorded[] {
  const found: Recorded[] = []
  for (const dir of runDirs(tmp)) {
    const registry = join(tmp, dir, 'processes')
    if (!existsSync(registry)) continue
    for (const file of readdirSync(registry).filter((f) => f.endsWith('.json'))) {
      try {
        const body = JSON.parse(readFileSync(join(registry, file), 'utf8')) as {
          processes: Recorded[]
        }
        found.push(...body.processes)
      } catch {
        // being rewritten (write + rename): read it on the next round
      }
    }
  }
  return found
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')
  } catch {
    return ''
  }
}

function state(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2)[0] ?? null
  } catch {
    return null
  }
}

async function until(what: string, cond: () => boolean, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

// Issue 13, acceptance: `flowlab run` killed with SIGKILL while one of its workers is paused
// (SIGSTOP) leaves that worker and its redis-server behind, and its folder under the OS temp dir.
// The next start ends them all and removes the folder.
describe('orphans of a SIGKILLed flowlab run', () => {
  const cleanup: (() => void)[] = []
  afterEach(() => {
    for (const c of cleanup.splice(0)) c()
  })

  it('the next flowlab run leaves no process of the earlier one, and removes its folder', async () => {
    const tmp = tempDir('flowlab-orphans-test-')
    cleanup.push(() => tmp.remove())
    const first = flowlabRun(
      ['--workers', '2', '--messages', '1000000', '--rate', '20', '--timeout-ms', '5000'],
      tmp.path
    )
    let pids: number[] = []
    cleanup.push(() => {
      first.kill('SIGKILL')
      for (const pid of pids) if (isAlive(pid)) process.kill(pid, 'SIGKILL')
    })
    let workers: number[] = []
    let redisPid = 0
    // Found in the process table (not in the registry under test): the run's children.
    await until('the run with its redis-server and two workers', () => {
      const children = descendants(first.pid ?? 0)
      workers = children.filter((pid) => cmdline(pid).includes('worker-main'))
      redisPid = children.find((pid) => cmdline(pid).includes('redis-server')) ?? 0
      return workers.length === 2 && redisPid > 0
    })
    // …and the run has recorded them (a kill before that would leave nothing to find).
    await until('the registry', () => recorded(tmp.path).length === 3)
    pids = [...workers, redisPid]
    const [paused] = workers as [number]
    process.kill(paused, 'SIGSTOP')
    await until('the pause', () => state(paused) === 'T')
    const exited = new Promise((r) => first.once('exit', r))
    first.kill('SIGKILL')
    await exited
    // What it left: the paused worker, the redis-server, and its folder.
    expect(isAlive(paused)).toBe(true)
    expect(isAlive(redisPid)).toBe(true)
    const [leftDir] = runDirs(tmp.path)
    expect(leftDir).toBeDefined()

    const second = flowlabRun(['--workers', '1', '--messages', '20'], tmp.path)
    cleanup.push(() => second.kill('SIGKILL'))
    let stderr = ''
    second.stderr?.on('data', (b: Buffer) => (stderr += b.toString()))
    const code = await new Promise((r) => second.once('exit', r))
    expect(code).toBe(0)
    expect(stderr).toMatch(/cleaned up after an earlier run that was killed: ended \d process/)
    expect(stderr).toContain(`worker ${paused} (paused)`)
    // Reaped at its start, before it began: nothing of the first run is left.
    await waitUntilGone(pids, 5_000)
    expect(pids.filter(isAlive)).toEqual([])
    expect(runDirs(tmp.path)).toEqual([])
  }, 120_000)

  it('an engine SIGKILLed with a paused worker: the next engine on its data folder ends what it left', async () => {
    const data = tempDir('flowlab-orphans-engine-')
    cleanup.push(() => data.remove())
    const first = spawn(process.execPath, ['--import', 'tsx', ENGINE_MAIN, data.path], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let out = ''
    first.stdout?.on('data', (b: Buffer) => (out += b.toString()))
    first.stderr?.on('data', (b: Buffer) => (out += b.toString()))
    let pids: number[] = []
    cleanup.push(() => {
      first.kill('SIGKILL')
      for (const pid of pids) if (isAlive(pid)) process.kill(pid, 'SIGKILL')
    })
    await until(`the engine's run (${out})`, () => /^ready /m.test(out) || first.exitCode !== null)
    const ready = JSON.parse(/^ready (.*)$/m.exec(out)?.[1] ?? 'null') as {
      redis: number
      workers: { id: string; pid: number; state: string }[]
    }
    const paused = ready.workers.find((w) => w.id === 'w1')?.pid ?? 0
    pids = [ready.redis, ...ready.workers.map((w) => w.pid)]
    expect(state(paused)).toBe('T')
    const exited = new Promise((r) => first.once('exit', r))
    first.kill('SIGKILL')
    await exited
    expect(isAlive(paused)).toBe(true)
    expect(isAlive(ready.redis)).toBe(true)

    const events: string[] = []
    const next = createEngine({
      dataDir: data.path,
      door: 'cli',
      env: { ...process.env, REDIS_URL: '' },
      labDefinitions: [],
      onTrace: (e) => events.push(`${e.type}: ${e.message}`)
    })
    try {
      await next.start()
      expect(pids.filter(isAlive)).toEqual([])
      expect(events.join('\n')).toContain(`ended worker pid ${paused} (paused)`)
      // Its own Redis started on the same folder, with the earlier one's AOF.
      expect(next.redis.status).toBe('up')
    } finally {
      await next.close()
    }
  }, 120_000)
})
