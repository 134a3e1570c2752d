import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { Cluster } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ClusterReport } from '@shared/contract/labs/cluster'
import { runClusterCommand } from '../../src/main/cli/cluster-command'
import { freePort } from '../../src/main/engine/redis/free-port'
import { waitUntilGone } from '../helpers/process-table'
import { tempDir } from '../helpers/temp-dir'
import { fakeIo } from './dispatch-harness'

/**
 * Acceptance 2 of the Cluster lab: against a cluster it did not start — six redis-server
 * processes this test starts and forms with redis-cli — `flowlab cluster --cluster-url` produces
 * and consumes, and each partition's stream, read with a plain Redis Cluster client, holds
 * exactly the report's acknowledged count. Node faults are refused there, with the reason.
 */

const run = promisify(execFile)
const password = randomBytes(12).toString('hex')
const dir = tempDir('flowlab-cluster-ext-')
const servers: ChildProcess[] = []
const ports: number[] = []

function startServer(port: number): Promise<ChildProcess> {
  const folder = join(dir.path, String(port))
  mkdirSync(folder)
  const child = spawn(
    '/usr/bin/redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      'nodes.conf',
      '--cluster-node-timeout',
      '1000',
      '--requirepass',
      password,
      '--masterauth',
      password,
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      folder
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] }
  )
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (/Ready to accept connections/.test(chunk.toString())) resolve(child)
    })
    child.once('exit', (code) => reject(new Error(`redis-server ${port} exited (${code})`)))
  })
}

function cli(port: number, ...args: string[]): Promise<{ stdout: string }> {
  return run('/usr/bin/redis-cli', [
    '-p',
    String(port),
    '-a',
    password,
    '--no-auth-warning',
    ...args
  ])
}

beforeAll(async () => {
  for (let i = 0; i < 6; i++) ports.push(await freePort())
  servers.push(...(await Promise.all(ports.map(startServer))))
  await run('/usr/bin/redis-cli', [
    '--cluster',
    'create',
    ...ports.map((p) => `127.0.0.1:${p}`),
    '--cluster-replicas',
    '1',
    '--cluster-yes',
    '-a',
    password,
    '--no-auth-warning'
  ])
  // redis-cli returns once slots are assigned; wait until every node agrees the cluster is ok
  // and every replica has finished its first sync.
  for (const port of ports) {
    for (;;) {
      const { stdout: state } = await cli(port, 'CLUSTER', 'INFO')
      const { stdout: repl } = await cli(port, 'INFO', 'replication')
      const synced = !/role:slave/.test(repl) || /master_link_status:up/.test(repl)
      if (/cluster_state:ok/.test(state) && synced) break
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  // A replica that has just synced may not answer WAIT at once: ready when each primary's does.
  for (const port of ports) {
    const { stdout: repl } = await cli(port, 'INFO', 'replication')
    if (!/role:master/.test(repl)) continue
    while ((await cli(port, 'WAIT', '1', '1000')).stdout.trim() !== '1');
  }
}, 60_000)

afterAll(async () => {
  const pids = servers.flatMap((s) => (s.pid ? [s.pid] : []))
  for (const s of servers) s.kill('SIGKILL')
  await waitUntilGone(pids)
  dir.remove()
})

describe('flowlab cluster --cluster-url (a cluster Flowlab did not start)', () => {
  const url = (): string => `redis://:${password}@127.0.0.1:${ports[0]}`

  it('produces and consumes; each stream holds exactly the acknowledged messages', async () => {
    const { io, stdout, stderr } = fakeIo()
    const code = await runClusterCommand(
      ['--json', '--cluster-url', url(), '--messages', '1200', '--partitions', '6'],
      io
    )
    expect(stderr.join('\n')).toBe('')
    expect(code).toBe(0)
    const report = JSON.parse(stdout.join('')) as ClusterReport
    expect(report.verdict).toBe('held')
    expect(report.counts.acked).toBe(1_200)
    expect(report.counts.consumed).toBe(1_200)
    const client = new Cluster(
      ports.map((port) => ({ host: '127.0.0.1', port })),
      { redisOptions: { password } }
    )
    try {
      for (const p of report.partitions) {
        expect(await client.xlen(p.key)).toBe(p.acked)
      }
      expect(report.partitions.reduce((sum, p) => sum + p.acked, 0)).toBe(1_200)
    } finally {
      client.disconnect()
    }
  })

  it('refuses a fault that needs the processes, saying why', async () => {
    const { io, stderr } = fakeIo()
    const code = await runClusterCommand(['--cluster-url', url(), '--kill-leader-at', '10'], io)
    expect(code).toBe(2)
    expect(stderr.join('\n')).toMatch(/--kill-leader-at needs a cluster Flowlab starts/)
  })

  it('an unreachable cluster URL is a clear error, exit 2', async () => {
    const { io, stderr } = fakeIo()
    const code = await runClusterCommand(
      ['--cluster-url', `redis://127.0.0.1:${await freePort()}`],
      io
    )
    expect(code).toBe(2)
    expect(stderr.join('\n')).toMatch(/not usable|unreachable|connect/i)
  })

  it('bad flags: 0 primaries, too many partitions', async () => {
    for (const args of [
      ['--primaries', '0'],
      ['--partitions', '65']
    ]) {
      const { io, stderr } = fakeIo()
      expect(await runClusterCommand(args, io)).toBe(2)
      expect(stderr.join('\n')).toMatch(new RegExp(`--${args[0]?.slice(2)} must be`))
    }
  })
})
