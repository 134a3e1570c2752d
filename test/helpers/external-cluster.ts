import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { freePort } from '../../src/main/engine/redis/free-port'

/** A redis-server the test started itself, outside any Flowlab code. */
export interface OwnServer {
  port: number
  child: ChildProcess
}

/**
 * Starts one redis-server with its own config on the command line (the password too: this is a
 * test's throwaway server) and resolves once it accepts connections.
 */
export async function startOwnServer(
  dir: string,
  password: string,
  cluster: boolean
): Promise<OwnServer> {
  const port = await freePort()
  // port + 10000 (the default bus port) can pass 65535 for an ephemeral port: choose it too.
  const busPort = await freePort()
  const folder = join(dir, `own-${port}`)
  mkdirSync(folder, { recursive: true })
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    folder,
    '--requirepass',
    password,
    '--masterauth',
    password,
    '--save',
    '',
    '--appendonly',
    'no',
    '--repl-diskless-sync-delay',
    '0',
    ...(cluster
      ? [
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          join(folder, 'nodes.conf'),
          '--cluster-node-timeout',
          '1000',
          '--cluster-port',
          String(busPort)
        ]
      : [])
  ]
  const child = spawn('/usr/bin/redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] })
  await new Promise<void>((resolve, reject) => {
    let log = ''
    const onData = (chunk: Buffer): void => {
      log += chunk.toString()
      if (/Ready to accept connections/.test(log)) resolve()
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.once('exit', (code) =>
      reject(new Error(`redis-server exited (${code}): ${log.slice(-500)}`))
    )
  })
  return { port, child }
}

/** Forms a cluster of `servers` with redis-cli, 1 replica per primary. */
export function createWithRedisCli(servers: OwnServer[], password: string): void {
  const result = spawnSync(
    '/usr/bin/redis-cli',
    [
      '--cluster',
      'create',
      ...servers.map((s) => `127.0.0.1:${s.port}`),
      '--cluster-replicas',
      '1',
      '--cluster-yes',
      '-a',
      password,
      '--no-auth-warning'
    ],
    { encoding: 'utf8', timeout: 60_000 }
  )
  if (result.status !== 0) {
    throw new Error(`redis-cli --cluster create failed: ${result.stdout}\n${result.stderr}`)
  }
}

/** Resolves once every server says cluster_state:ok (redis-cli returns a little before). */
export async function untilClusterOk(servers: OwnServer[], password: string): Promise<void> {
  const deadline = Date.now() + 30_000
  for (const s of servers) {
    for (;;) {
      const out = spawnSync(
        '/usr/bin/redis-cli',
        ['-p', String(s.port), '-a', password, '--no-auth-warning', 'cluster', 'info'],
        { encoding: 'utf8' }
      )
      if (out.stdout.includes('cluster_state:ok')) break
      if (Date.now() > deadline) throw new Error(`${s.port} never said cluster_state:ok`)
      await new Promise((r) => setTimeout(r, 100))
    }
  }
}

/** Stops the test's own servers and waits until they are gone. */
export async function stopOwnServers(servers: OwnServer[]): Promise<void> {
  await Promise.all(
    servers.map(
      (s) =>
        new Promise<void>((resolve) => {
          if (s.child.exitCode !== null || s.child.signalCode !== null) return resolve()
          s.child.once('exit', () => resolve())
          s.child.kill('SIGKILL')
        })
    )
  )
}
