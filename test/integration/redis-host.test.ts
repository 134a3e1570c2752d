import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ErrorCode } from '@shared/contract'
import { RedisHost } from '../../src/main/engine/redis/redis-host'
import { pathWithoutRedis, tempDir } from '../helpers/temp-dir'

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

describe('RedisHost, managed', () => {
  const dir = tempDir()
  const host = new RedisHost({ dataDir: dir.path, persistence: true })

  beforeAll(() => host.start())
  afterAll(async () => {
    await host.close()
    dir.remove()
  })

  it('starts redis-server on loopback with a password and answers', async () => {
    const info = host.toInfo()
    expect(info.status).toBe('up')
    expect(info.managed).toBe(true)
    expect(info.url).toMatch(/^redis:\/\/:\*\*\*@127\.0\.0\.1:\d+$/)
    expect(host.secretUrl).not.toContain('***')
    const client = host.createClient('test')
    expect(await client.ping()).toBe('PONG')
    client.disconnect()
  })

  it('refuses a client without the password', async () => {
    const { Redis } = await import('ioredis')
    const url = new URL(host.secretUrl ?? '')
    const client = new Redis({
      host: url.hostname,
      port: Number(url.port),
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null
    })
    client.on('error', () => undefined)
    await client.connect().catch(() => undefined)
    await expect(client.get('x')).rejects.toThrow(/NOAUTH|closed/i)
    client.disconnect()
  })

  it('kill is a real SIGKILL; restart brings it back with the data (AOF on)', async () => {
    const client = host.createClient('test')
    await client.set('flowlab:test:kept', '1')
    const pid = host.toInfo().pid ?? 0
    await host.kill()
    expect(host.toInfo().status).toBe('down')
    expect(isAlive(pid)).toBe(false)
    await expect(host.kill()).rejects.toMatchObject({ code: ErrorCode.InvalidState })
    await host.restart()
    // restart() resolves once the host's own connection is back, not merely the process.
    expect(host.toInfo().status).toBe('up')
    await until(
      async () => (await client.get('flowlab:test:kept').catch(() => null)) === '1',
      'data back'
    )
    client.disconnect()
  })

  it('with persistence off a restart forgets the data', async () => {
    const client = host.createClient('test')
    await until(() => client.status === 'ready', 'client ready')
    await host.setPersistence(false)
    expect(host.toInfo().persistence).toBe(false)
    await client.set('flowlab:test:forgotten', '1')
    await host.restart()
    await until(() => client.status === 'ready', 'client ready again')
    expect(await client.get('flowlab:test:forgotten')).toBeNull()
    await host.setPersistence(true)
    client.disconnect()
  })

  it('close() stops the server it started', async () => {
    const pid = host.toInfo().pid ?? 0
    expect(isAlive(pid)).toBe(true)
    await host.close()
    expect(isAlive(pid)).toBe(false)
    await host.close() // idempotent
  })
})

// Issue 13: redis.conf holds the password. A file that already existed (an older version, a copy)
// keeps its mode through writeFileSync's `mode`, so the mode is set on every write.
describe('RedisHost redis.conf', () => {
  it('is 0600 on every write, even when it existed with 0644', async () => {
    const dir = tempDir()
    const redisDir = join(dir.path, 'redis')
    mkdirSync(redisDir, { recursive: true, mode: 0o755 })
    const conf = join(redisDir, 'redis.conf')
    writeFileSync(conf, 'port 1\n', { mode: 0o644 })
    chmodSync(conf, 0o644)
    const host = new RedisHost({ dataDir: dir.path })
    try {
      await host.start()
      expect(host.status).toBe('up')
      expect(statSync(conf).mode & 0o777).toBe(0o600)
      expect(statSync(redisDir).mode & 0o777).toBe(0o700)
      expect(readFileSync(conf, 'utf8')).toContain('requirepass ')
      // A later write (persistence off) after someone opened it up again.
      chmodSync(conf, 0o644)
      await host.setPersistence(false)
      expect(statSync(conf).mode & 0o777).toBe(0o600)
    } finally {
      await host.close()
      dir.remove()
    }
  })
})

describe('RedisHost without redis-server', () => {
  it('says it is missing, how to install it, and refuses Redis commands clearly', async () => {
    const dir = tempDir()
    const host = new RedisHost({ dataDir: dir.path, env: { PATH: pathWithoutRedis(dir.path) } })
    await host.start()
    const info = host.toInfo()
    expect(info.status).toBe('missing')
    expect(info.lastError).toMatch(/redis-server was not found/)
    expect(info.install?.map((h) => h.command).join('\n')).toContain('apt-get install redis-server')
    expect(() => host.createClient('x')).toThrow(/not found/)
    await expect(host.restart()).rejects.toMatchObject({ code: ErrorCode.RedisMissing })
    await host.close()
    dir.remove()
  })
})

describe('RedisHost with REDIS_URL', () => {
  const dir = tempDir()
  const managed = new RedisHost({ dataDir: dir.path })
  let external: RedisHost

  beforeAll(async () => {
    await managed.start()
    external = new RedisHost({ dataDir: dir.path, url: managed.secretUrl ?? '' })
    await external.start()
  })
  afterAll(async () => {
    await external.close()
    await managed.close()
    dir.remove()
  })

  it('uses the server, hides its password, and will not kill what it did not start', async () => {
    const info = external.toInfo()
    expect(info.status).toBe('up')
    expect(info.managed).toBe(false)
    expect(info.url).toContain(':***@')
    await expect(external.kill()).rejects.toMatchObject({ code: ErrorCode.RedisNotManaged })
  })
})
