import { spawn, type ChildProcess } from 'node:child_process'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { redisServersUnder, waitUntilGone } from '../helpers/process-table'
import { tempDir } from '../helpers/temp-dir'

/**
 * Acceptance 4 of the Cluster lab: after Ctrl-C, or a SIGKILL and the next start, no
 * redis-server of the cluster is left (read from the process table).
 */

const ROOT = resolve(__dirname, '..', '..')
const CLI = join(ROOT, 'src', 'main', 'cli', 'index.ts')
const children: ChildProcess[] = []

function flowlabCluster(args: string[], tmp: string): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'cluster', ...args], {
    cwd: ROOT,
    env: { ...process.env, TMPDIR: tmp, REDIS_URL: '', REDIS_CLUSTER_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  children.push(child)
  return child
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode)
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)))
}

/** Resolves once the six nodes of a cluster run under `tmp` (polling the process table). */
async function sixNodes(tmp: string, child: ChildProcess): Promise<number[]> {
  for (;;) {
    const pids = redisServersUnder(tmp).filter((pid) => pid !== undefined)
    const nodes = pids.length
    if (nodes >= 7) return pids // six nodes and the engine's own redis-server
    if (child.exitCode !== null) throw new Error(`flowlab cluster exited early (${child.exitCode})`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL')
})

describe('flowlab cluster leaves no redis-server behind', () => {
  it('on Ctrl-C: stops the run, reports, and stops every node', async () => {
    const tmp = tempDir('flowlab-cluster-int-')
    try {
      const child = flowlabCluster(['--messages', '1000000', '--rate', '500', '--json'], tmp.path)
      const pids = await sixNodes(tmp.path, child)
      child.kill('SIGINT')
      expect(await exited(child)).toBe(130)
      await waitUntilGone(pids)
      expect(redisServersUnder(tmp.path)).toEqual([])
    } finally {
      tmp.remove()
    }
  })

  it('after a SIGKILL: the next flowlab cluster ends the nodes the dead one left', async () => {
    const tmp = tempDir('flowlab-cluster-kill-')
    try {
      const first = flowlabCluster(['--messages', '1000000', '--rate', '500'], tmp.path)
      const pids = await sixNodes(tmp.path, first)
      first.kill('SIGKILL')
      await exited(first)
      expect(redisServersUnder(tmp.path).length).toBeGreaterThanOrEqual(7)
      const second = flowlabCluster(
        ['--messages', '50', '--primaries', '1', '--replicas', '0'],
        tmp.path
      )
      expect(await exited(second)).toBe(0)
      await waitUntilGone(pids)
      expect(redisServersUnder(tmp.path)).toEqual([])
    } finally {
      tmp.remove()
    }
  })
})
