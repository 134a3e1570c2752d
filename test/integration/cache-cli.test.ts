import { execFile } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CACHE_STRATEGIES, type CacheReport } from '@shared/contract/labs/cache'
import { runCacheCommand } from '../../src/main/cli/cache-command'
import type { RedisHost } from '../../src/main/engine/redis/redis-host'
import { fakeIo, startRedis } from './dispatch-harness'

/**
 * Acceptance 2 of the Cache lab: after a `flowlab cache … --db F` run, another program reading F
 * finds exactly the newest acknowledged write of every key the checker does not list as lost.
 * Real redis-server, real SQLite files, the command run in-process as the CLI runs it.
 */

const run = promisify(execFile)

/** Every row of F, read by Python's sqlite3 module (not by the code under test). */
const READ_ROWS = `
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
print(json.dumps({k: {'value': v, 'version': n} for k, v, n in db.execute('SELECT key, value, version FROM items')}))
`

type Rows = Record<string, { value: string; version: number }>

async function readRows(file: string): Promise<Rows> {
  const { stdout } = await run('/usr/bin/python3', ['-c', READ_ROWS, file])
  return JSON.parse(stdout) as Rows
}

/** Small, quick runs: few keys so that every key is written, 1 ms per database statement. */
const QUICK = ['--ops', '300', '--keys', '10', '--read-ratio', '0.5', '--db-latency-ms', '1']

let redis: RedisHost
let closeRedis: () => Promise<void>
let dir: string

beforeAll(async () => {
  ;({ redis, close: closeRedis } = await startRedis())
  dir = mkdtempSync(join(tmpdir(), 'flowlab-cache-cli-'))
})

afterAll(async () => {
  await closeRedis()
  rmSync(dir, { recursive: true, force: true })
})

async function cache(
  args: string[]
): Promise<{ code: number; stdout: string[]; stderr: string[] }> {
  const { io, stdout, stderr } = fakeIo()
  const code = await runCacheCommand(args, io, { redis })
  return { code, stdout, stderr }
}

async function cacheJson(args: string[]): Promise<{ code: number; report: CacheReport }> {
  const r = await cache(['--json', ...args])
  const json = r.stdout.at(-1)
  if (!json) throw new Error(`no report (exit ${r.code}): ${r.stderr.join('\n')}`)
  return { code: r.code, report: JSON.parse(json) as CacheReport }
}

/** The rows equal lastAcked for every key not lost; a lost key's row is older than its loss. */
function expectRowsMatch(rows: Rows, report: CacheReport): void {
  expect(Object.keys(rows)).toHaveLength(report.settings.keys)
  const lost = new Map<string, number>()
  for (const v of report.violations) {
    if (v.kind === 'lost-write') lost.set(v.key, Math.max(lost.get(v.key) ?? 0, v.version))
  }
  for (const [key, row] of Object.entries(rows)) {
    const acked = report.lastAcked[key] ?? { value: 'v0', version: 0 }
    const lostVersion = lost.get(key)
    if (lostVersion === undefined) expect({ key, ...row }).toEqual({ key, ...acked })
    else expect(row.version).toBeLessThan(lostVersion)
  }
}

describe('flowlab cache --db F', () => {
  it.each(CACHE_STRATEGIES)(
    '%s: the database another program reads holds lastAcked',
    async (strategy) => {
      const file = join(dir, `${strategy}.sqlite`)
      const { code, report } = await cacheJson(['--strategy', strategy, ...QUICK, '--db', file])
      expect(report.strategy).toBe(strategy)
      expect(report.dbPath).toBe(file)
      expect(report.counts.writes).toBeGreaterThan(0)
      expect(report.violations).toEqual([])
      expect(code).toBe(0)
      expectRowsMatch(await readRows(file), report)
    }
  )

  it('a second writer bypassing the cache still leaves the newest acknowledged version', async () => {
    const file = join(dir, 'second-writer.sqlite')
    const { report } = await cacheJson([
      '--strategy',
      'cache-aside',
      ...QUICK,
      '--second-writer',
      '0.2',
      '--db',
      file
    ])
    expect(report.counts.secondWrites).toBeGreaterThan(0)
    expect(report.counts.lostWrites).toBe(0)
    expectRowsMatch(await readRows(file), report)
  })

  it('write-back with a cache crash before the flush exits 1 and lists the lost writes', async () => {
    const crash = [
      '--strategy',
      'write-back',
      ...QUICK,
      '--crash-cache-at',
      '280',
      '--persistence',
      'off'
    ]
    const file = join(dir, 'write-back-crash.sqlite')
    const { code, report } = await cacheJson([...crash, '--db', file])
    expect(code).toBe(1)
    expect(report.verdict).toBe('violated')
    expect(report.faults.cacheCrashes).toBe(1)
    const lost = report.violations.filter((v) => v.kind === 'lost-write')
    expect(lost.length).toBeGreaterThan(0)
    expect(lost.length).toBe(report.counts.lostWrites)
    // Which cause each one gets is the checker's own test; here: the crash is named.
    expect(lost.some((v) => v.cause === 'cache-crash-dirty')).toBe(true)
    expect(report.guarantees.find((g) => g.name === 'no-lost-writes')?.held).toBe(false)
    expectRowsMatch(await readRows(file), report)

    // The human summary names them too.
    const human = await cache([...crash, '--db', join(dir, 'write-back-crash-2.sqlite')])
    expect(human.code).toBe(1)
    expect(human.stdout).toContain('Verdict: VIOLATED')
    expect(
      human.stdout.some((l) => /^ {2}k\d+: write v\d+ lost — cache-crash-dirty$/.test(l))
    ).toBe(true)
  })

  it('a file that is not SQLite is refused with exit 2 and left as it was', async () => {
    const file = join(dir, 'notes.txt')
    const text = 'these are my notes, not a database\n'.repeat(200)
    writeFileSync(file, text)
    const r = await cache(['--strategy', 'write-through', ...QUICK, '--db', file])
    expect(r.code).toBe(2)
    expect(r.stderr.join('\n')).toMatch(/^flowlab cache: .*SQLite/m)
    expect(r.stdout).toEqual([])
    expect(readFileSync(file, 'utf8')).toBe(text)
  })

  it('a read-only database file is refused with exit 2 and left as it was', async () => {
    const file = join(dir, 'read-only.sqlite')
    writeFileSync(file, '')
    chmodSync(file, 0o444)
    const r = await cache(['--strategy', 'write-back', ...QUICK, '--db', file])
    expect(r.code).toBe(2)
    expect(r.stderr.join('\n')).toMatch(/^flowlab cache: .*read-only/m)
    expect(statSync(file).size).toBe(0)
  })
})
