import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { DispatchReport } from '@shared/contract/labs/dispatch'
import type { CliIo } from '../../src/main/cli/io'
import { runDispatchCommand, type RunCommandOptions } from '../../src/main/cli/run-command'
import { freePort } from '../../src/main/engine/redis/free-port'
import { RedisHost } from '../../src/main/engine/redis/redis-host'

/** A managed redis-server on a temp data dir, one per test file. */
export async function startRedis(): Promise<{ redis: RedisHost; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'flowlab-dispatch-test-'))
  const redis = new RedisHost({ dataDir: dir })
  await redis.start()
  if (redis.status !== 'up') throw new Error(`redis did not start: ${redis.toInfo().lastError}`)
  return {
    redis,
    close: async () => {
      await redis.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

export interface RunResult {
  code: number
  report: DispatchReport
  stdout: string[]
  stderr: string[]
}

/** A CliIo that records what the command prints. */
export function fakeIo(): { io: CliIo; stdout: string[]; stderr: string[] } {
  const stdout: string[] = []
  const stderr: string[] = []
  return {
    io: {
      stdout: (line) => stdout.push(line),
      stderr: (line) => stderr.push(line),
      readFile: () => Promise.reject(new Error('no files in tests')),
      env: { ...process.env, REDIS_URL: '' },
      onShutdown: () => undefined
    },
    stdout,
    stderr
  }
}

/** `flowlab run --json …` in-process against the test file's Redis, on a free endpoint. */
export async function runJson(
  args: string[],
  redis: RedisHost,
  opts: Omit<RunCommandOptions, 'redis'> = {}
): Promise<RunResult> {
  const { io, stdout, stderr } = fakeIo()
  const endpoint = `tcp://127.0.0.1:${await freePort()}`
  const code = await runDispatchCommand(['--json', '--endpoint', endpoint, ...args], io, {
    ...opts,
    redis
  })
  const json = stdout.at(-1)
  if (!json) throw new Error(`no report (exit ${code}): ${stderr.join('\n')}`)
  return { code, report: JSON.parse(json) as DispatchReport, stdout, stderr }
}
