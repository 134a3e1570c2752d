import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CURVE_KEY_PATTERN, curveWanted, isLoopbackEndpoint } from '../../src/main/engine/zmq/curve'
import type { RedisHost } from '../../src/main/engine/redis/redis-host'
import { runJson, startRedis } from './dispatch-harness'

// Issue 13, acceptance 4: a CURVE-secured work endpoint. A Python worker with the server's public
// key joins and its executions are counted; one without the key is refused and counted (`auth`).
const PYTHON = process.env.FLOWLAB_PYTHON ?? '/usr/bin/python3'
const WORKER_PY = join(resolve(__dirname, '..', '..'), 'examples', 'python', 'worker.py')
const hasPyDeps = spawnSync(PYTHON, ['-c', 'import zmq, redis'], { encoding: 'utf8' }).status === 0

describe('CURVE on the work endpoint', () => {
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

  it('the rule: loopback may go without CURVE, a network address may not', () => {
    expect(isLoopbackEndpoint('tcp://127.0.0.1:5555')).toBe(true)
    expect(isLoopbackEndpoint('tcp://0.0.0.0:5555')).toBe(false)
    expect(curveWanted('work endpoint', 'tcp://127.0.0.1:5555', undefined)).toBe(false)
    expect(curveWanted('work endpoint', 'tcp://127.0.0.1:5555', true)).toBe(true)
    expect(curveWanted('work endpoint', 'tcp://0.0.0.0:5555', undefined)).toBe(true)
    expect(() => curveWanted('work endpoint', 'tcp://0.0.0.0:5555', false)).toThrow(
      /not a loopback address, so it needs ZeroMQ CURVE/
    )
  })

  it('a CURVE run with managed workers completes and holds', async () => {
    const { code, report } = await runJson(
      ['--curve', '--semantics', 'exactly-once-atomic', '--messages', '200', '--workers', '2'],
      redis
    )
    expect(report.counts).toEqual({ zero: 0, once: 200, many: 0 })
    expect(code).toBe(0)
  })

  it.skipIf(!hasPyDeps)(
    'a Python worker without the key is refused and counted; one with it joins',
    async () => {
      let keyed = ''
      const { report } = await runJson(
        ['--curve', '--workers', '0', '--messages', '200', '--timeout-ms', '1000'],
        redis,
        {
          onLab: async (lab) => {
            const ep = lab.endpoints
            if (!ep || !redis.secretUrl || !ep.serverKey) throw new Error('no CURVE endpoint')
            expect(ep.serverKey).toMatch(CURVE_KEY_PATTERN)
            const url = redis.secretUrl
            children.push(
              spawn(PYTHON, [WORKER_PY, ep.endpoint, url, 'py-nokey'], { stdio: 'ignore' })
            )
            const deadline = Date.now() + 30_000
            const refused = (): number => {
              const by = lab.toInfo().link.rejected.byReason
              return (by.auth ?? 0) + (by.handshake ?? 0)
            }
            while (refused() === 0) {
              if (Date.now() > deadline) break
              await new Promise((r) => setTimeout(r, 50))
            }
            const child = spawn(
              PYTHON,
              [WORKER_PY, ep.endpoint, url, 'py-key', '--server-key', ep.serverKey],
              { stdio: ['ignore', 'ignore', 'pipe'] }
            )
            child.stderr?.on('data', (d: Buffer) => (keyed += d.toString()))
            children.push(child)
          }
        }
      )
      expect(keyed).toBe('')
      // Refused and counted: as `auth` when libzmq reports the failed CURVE handshake, else as a
      // peer that never completed one (`handshake`, after WORK_HANDSHAKE_TIMEOUT_MS).
      const by = report.link.rejected.byReason
      expect((by.auth ?? 0) + (by.handshake ?? 0), JSON.stringify(by)).toBeGreaterThan(0)
      expect(report.counts).toEqual({ zero: 0, once: 200, many: 0 })
      expect(report.workers.find((w) => w.id === 'py-key')?.executions ?? report.executions).toBe(
        200
      )
    }
  )
})
