import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { processStartTime, ProcessRegistry, reapStale } from './process-registry'

/** A process that only waits (it stands for a worker or a redis-server). */
function sleeper(): ChildProcess {
  return spawn('sleep', ['600'], { stdio: 'ignore' })
}

function state(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2)[0] ?? null
  } catch {
    return null
  }
}

/** Alive and not a zombie. */
function alive(pid: number): boolean {
  const s = state(pid)
  return s !== null && s !== 'Z'
}

async function until(what: string, cond: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** Runs `node -e script` and resolves with its pid once it has printed a line. */
function owner(script: string): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], {
    cwd: join(__dirname, '..', '..', '..'),
    stdio: ['ignore', 'pipe', 'inherit']
  })
  return new Promise((resolve, reject) => {
    let out = ''
    child.stdout?.on('data', (b: Buffer) => {
      out += b.toString()
      if (out.includes('\n')) resolve({ child, line: out.trim() })
    })
    child.once('exit', (code) => reject(new Error(`owner exited (${code}) before it printed`)))
  })
}

describe('ProcessRegistry', () => {
  const cleanup: (() => void)[] = []
  afterEach(() => {
    for (const c of cleanup.splice(0)) c()
  })

  const tempDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'flowlab-registry-test-'))
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }))
    return dir
  }
  const track = (child: ChildProcess): ChildProcess => {
    cleanup.push(() => child.kill('SIGKILL'))
    return child
  }

  it('the next start ends what a SIGKILLed owner left, a SIGSTOPped process included', async () => {
    const dir = tempDir()
    const registry = join(__dirname, 'process-registry.ts')
    // The owner records two processes it started, pauses one, and is then killed with SIGKILL.
    const { child, line } = await owner(`
      const { spawn } = require('node:child_process')
      const { ProcessRegistry } = require(${JSON.stringify(registry)})
      const r = new ProcessRegistry(${JSON.stringify(dir)})
      r.start()
      const a = spawn('sleep', ['600'], { stdio: 'ignore' })
      const b = spawn('sleep', ['600'], { stdio: 'ignore' })
      r.record(a.pid, 'worker')
      r.record(b.pid, 'redis-server')
      process.kill(a.pid, 'SIGSTOP')
      console.log(a.pid + ' ' + b.pid)
      setInterval(() => {}, 1000)
    `)
    const [paused, other] = line.split(' ').map(Number) as [number, number]
    cleanup.push(() => {
      for (const pid of [paused, other]) if (alive(pid)) process.kill(pid, 'SIGKILL')
    })
    await until('the pause', () => state(paused) === 'T')
    const exited = new Promise((r) => child.once('exit', r))
    child.kill('SIGKILL')
    await exited
    // Orphans now: nothing would ever end them.
    expect(alive(paused)).toBe(true)
    expect(alive(other)).toBe(true)

    const next = new ProcessRegistry(dir)
    const reaped = next.start()
    expect(reaped.map((p) => [p.pid, p.kind, p.wasPaused]).sort()).toEqual(
      [
        [paused, 'worker', true],
        [other, 'redis-server', false]
      ].sort()
    )
    await until('both gone', () => !alive(paused) && !alive(other))
    // Only the new owner's own file is left; closing removes it.
    expect(readdirSync(dir)).toHaveLength(1)
    next.close()
    expect(readdirSync(dir)).toEqual([])
  })

  it('never touches a reused pid or the processes of a live owner', async () => {
    const dir = tempDir()
    const a = track(sleeper())
    const b = track(sleeper())
    await until('sleepers', () => alive(a.pid ?? 0) && alive(b.pid ?? 0))
    // A dead owner's file naming `a` with another start time: the pid was reused since.
    const dead = track(spawn('true'))
    await new Promise((r) => dead.once('exit', r))
    writeFileSync(
      join(dir, `${dead.pid}-1-1.json`),
      JSON.stringify({
        v: 1,
        owner: { pid: dead.pid, startTime: '1' },
        processes: [{ pid: a.pid, kind: 'worker', startTime: '1' }]
      })
    )
    // A live owner (this process) recorded `b`.
    const live = new ProcessRegistry(dir)
    live.start()
    live.record(b.pid ?? 0, 'worker')
    cleanup.push(() => live.close())
    expect(processStartTime(b.pid ?? 0)).not.toBeNull()

    expect(reapStale(dir)).toEqual([])
    expect(alive(a.pid ?? 0)).toBe(true)
    expect(alive(b.pid ?? 0)).toBe(true)
    // The dead owner's file is gone, the live one's stays.
    expect(readdirSync(dir)).toHaveLength(1)
  })
})
