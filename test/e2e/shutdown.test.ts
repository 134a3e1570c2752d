import { spawn } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { ROOT } from '../helpers/console-process'
import { descendants, processesMentioning, waitUntilGone } from '../helpers/process-table'
import { tempDir } from '../helpers/temp-dir'

/**
 * Runs the README's `npm start` for real (build, then the console, since this machine has no
 * Electron binary), waits for the URL, stops it with a signal and checks the process table.
 */
async function npmStartThenStop(target: 'group' | 'npm', signal: NodeJS.Signals): Promise<void> {
  const dir = tempDir('flowlab-shutdown-')
  const npm = spawn('npm', ['start', '--silent', '--', '--port', '0'], {
    cwd: ROOT,
    env: { ...process.env, FLOWLAB_DATA_DIR: dir.path, FLOWLAB_NO_ELECTRON: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true
  })
  let out = ''
  npm.stdout.on('data', (d: Buffer) => (out += d.toString()))
  npm.stderr.on('data', (d: Buffer) => (out += d.toString()))
  const exited = new Promise<void>((resolve) => npm.once('exit', () => resolve()))
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`npm start printed no URL:\n${out}`)), 60_000)
      npm.stdout.on('data', () => {
        if (/Press Ctrl-C to stop/.test(out)) {
          clearTimeout(timer)
          resolve()
        }
      })
    })
    expect(out).toMatch(/Desktop window unavailable: .*Serving the console in your browser instead/)
    expect(out).toMatch(/Flowlab console: http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/)
    const started = descendants(npm.pid ?? 0)
    // redis-server retitles itself "redis-server 127.0.0.1:<port>": find ours by its port.
    const port = /Redis: up at redis:\/\/:\*\*\*@127\.0\.0\.1:(\d+)/.exec(out)?.[1]
    expect(port).toBeDefined()
    const redis = processesMentioning(`127.0.0.1:${port}`)
    expect(redis).toHaveLength(1)
    expect(started).toContain(redis[0])

    process.kill(target === 'group' ? -(npm.pid ?? 0) : (npm.pid ?? 0), signal)
    await exited
    await waitUntilGone([...started, ...redis])
    expect(processesMentioning(`127.0.0.1:${port}`)).toEqual([])
  } finally {
    if (npm.exitCode === null && npm.signalCode === null) process.kill(-(npm.pid ?? 0), 'SIGKILL')
    dir.remove()
  }
}

describe('npm start, stopped', () => {
  it('leaves no process behind after Ctrl-C (SIGINT to the process group)', async () => {
    await npmStartThenStop('group', 'SIGINT')
  })

  // npm passes SIGTERM to its `sh -c`, which dies without passing it on; the console notices its
  // parent is gone and stops everything anyway.
  it('leaves no process behind when only npm gets SIGTERM', async () => {
    await npmStartThenStop('npm', 'SIGTERM')
  })
})
