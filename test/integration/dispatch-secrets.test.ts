import { spawn, type ChildProcess } from 'node:child_process'
import { chmodSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { runDispatchCommand } from '../../src/main/cli/run-command'
import { DispatchLab } from '../../src/main/engine/dispatch/dispatch-lab'
import { freePort } from '../../src/main/engine/redis/free-port'
import type { RedisHost } from '../../src/main/engine/redis/redis-host'
import { tempDir } from '../helpers/temp-dir'
import { fakeIo, startRedis } from './dispatch-harness'

const ROOT = resolve(__dirname, '..', '..')
const CLI = join(ROOT, 'src', 'main', 'cli', 'index.ts')

/** What every user of the machine can read about a process. */
function cmdline(pid: number): string {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')
}

/** `flowlab worker …` as a real process, with `env` added to ours. */
function startWorker(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, REDIS_URL: '', ...env }
  return spawn(process.execPath, ['--import', 'tsx', CLI, 'worker', ...args], {
    cwd: ROOT,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe']
  })
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((r) => child.once('exit', r))
  child.kill('SIGKILL')
  await exited
}

// Issue 13: the Redis password must not be in any command line (/proc/PID/cmdline is readable by
// every user); workers take it from their environment (readable by their owner only) or a 0600 file.
describe('the Redis password stays out of argv', () => {
  let redis: RedisHost
  let closeRedis: () => Promise<void>
  let lab: DispatchLab | null = null
  const children: ChildProcess[] = []
  const dir = tempDir()

  beforeAll(async () => {
    ;({ redis, close: closeRedis } = await startRedis())
  })

  afterEach(async () => {
    await Promise.all(children.splice(0).map(stopProcess))
    await lab?.close()
    lab = null
  })

  afterAll(async () => {
    await closeRedis()
    dir.remove()
  })

  const password = (): string => decodeURIComponent(new URL(redis.secretUrl ?? '').password)

  it('managed workers get it through the environment, not argv', async () => {
    lab = new DispatchLab({ redis, emit: () => undefined })
    await lab.start({
      messages: 200,
      workers: 2,
      // Slow enough that the workers are still there to look at.
      ratePerSec: 100,
      endpoint: `tcp://127.0.0.1:${await freePort()}`
    })
    const pids = lab
      .toInfo()
      .workers.map((w) => w.pid)
      .filter((pid): pid is number => pid !== null)
    expect(pids).toHaveLength(2)
    for (const pid of pids) expect(cmdline(pid)).not.toContain(password())
    await lab.stop()
  })

  for (const via of ['FLOWLAB_REDIS_URL', '--redis-url-file'] as const) {
    it(`flowlab worker takes it from ${via} and joins a run`, async () => {
      lab = new DispatchLab({ redis, emit: () => undefined })
      await lab.start({
        messages: 100,
        workers: 0,
        endpoint: `tcp://127.0.0.1:${await freePort()}`
      })
      const ep = lab.endpoints?.endpoint ?? ''
      const args = ['--endpoint', ep, '--id', 'by-env']
      let env: NodeJS.ProcessEnv = {}
      if (via === 'FLOWLAB_REDIS_URL') env = { FLOWLAB_REDIS_URL: redis.secretUrl ?? '' }
      else {
        const file = join(dir.path, 'redis-url')
        writeFileSync(file, `${redis.secretUrl ?? ''}\n`, { mode: 0o600 })
        args.push('--redis-url-file', file)
      }
      const child = startWorker(args, env)
      children.push(child)
      let stderr = ''
      child.stderr?.on('data', (b: Buffer) => (stderr += b.toString()))
      const report = await lab.waitForSettled()
      expect(stderr).not.toMatch(/warning|error/i)
      expect(cmdline(child.pid ?? 0)).not.toContain(password())
      expect(report.counts).toEqual({ zero: 0, once: 100, many: 0 })
    })
  }

  it('flowlab worker refuses a --redis-url-file others may read, and warns about a password in --redis-url', async () => {
    const file = join(dir.path, 'open-url')
    writeFileSync(file, `${redis.secretUrl ?? ''}\n`)
    chmodSync(file, 0o644)
    const refused = startWorker(['--redis-url-file', file], {})
    children.push(refused)
    let refusedErr = ''
    refused.stderr?.on('data', (b: Buffer) => (refusedErr += b.toString()))
    const code = await new Promise((r) => refused.once('exit', r))
    expect(code).toBe(2)
    expect(refusedErr).toMatch(/may be read by other users \(mode 644\); chmod 600/)

    lab = new DispatchLab({ redis, emit: () => undefined })
    await lab.start({ messages: 20, workers: 0, endpoint: `tcp://127.0.0.1:${await freePort()}` })
    const warned = startWorker(
      ['--endpoint', lab.endpoints?.endpoint ?? '', '--redis-url', redis.secretUrl ?? ''],
      {}
    )
    children.push(warned)
    let warnedErr = ''
    warned.stderr?.on('data', (b: Buffer) => (warnedErr += b.toString()))
    // It still works as before.
    const report = await lab.waitForSettled()
    expect(report.counts.once).toBe(20)
    expect(warnedErr).toMatch(/warning: --redis-url carries a password/)
  })

  it('flowlab run warns about a password in --redis-url, and runs', async () => {
    const { io, stderr } = fakeIo()
    const endpoint = `tcp://127.0.0.1:${await freePort()}`
    const args = ['--json', '--endpoint', endpoint, '--messages', '20', '--workers', '1']
    const code = await runDispatchCommand([...args, '--redis-url', redis.secretUrl ?? ''], io)
    expect(code).toBe(0)
    expect(stderr.join('\n')).toMatch(/warning: --redis-url carries a password/)
  })
})
