import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RedisHost } from '../../src/main/engine/redis/redis-host'
import { runJson, startRedis } from './dispatch-harness'

// Acceptance 2: examples/python/worker.py (pyzmq + redis-py from Debian's packages) joins a
// `--workers 0` run. `python3` on PATH may be another Python without those modules, so this uses
// Debian's /usr/bin/python3 and skips only if the imports really fail there.
const PYTHON = process.env.FLOWLAB_PYTHON ?? '/usr/bin/python3'
const WORKER_PY = join(resolve(__dirname, '..', '..'), 'examples', 'python', 'worker.py')
const probe = spawnSync(PYTHON, ['-c', 'import zmq, redis'], { encoding: 'utf8' })
const hasPyDeps = probe.status === 0

describe.skipIf(!hasPyDeps)('Python example worker (acceptance 2)', () => {
  let redis: RedisHost
  let closeRedis: () => Promise<void>
  const children: ChildProcess[] = []

  beforeAll(async () => {
    ;({ redis, close: closeRedis } = await startRedis())
  })

  afterAll(async () => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done()
            child.once('exit', () => done())
            child.kill('SIGKILL')
          })
      )
    )
    await closeRedis()
  })

  for (const semantics of ['exactly-once-atomic', 'exactly-once-naive'] as const) {
    it(`joins a --workers 0 ${semantics} run and its executions are counted`, async () => {
      let stderr = ''
      const { code, report } = await runJson(
        [
          '--semantics',
          semantics,
          '--workers',
          '0',
          '--messages',
          '500',
          '--timeout-ms',
          '1000',
          '--window',
          '32'
        ],
        redis,
        {
          onLab: (lab) => {
            const ep = lab.endpoints
            if (!ep || !redis.secretUrl) throw new Error('no endpoint')
            const child = spawn(
              PYTHON,
              [WORKER_PY, ep.endpoint, redis.secretUrl, `py-${semantics}`],
              {
                stdio: ['ignore', 'ignore', 'pipe']
              }
            )
            child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()))
            children.push(child)
          }
        }
      )
      expect(stderr).toBe('')
      expect(report.counts).toEqual({ zero: 0, once: 500, many: 0 })
      expect(report.executions).toBe(500)
      expect(report.verdict).toBe('held')
      expect(code).toBe(0)
    })
  }
})
