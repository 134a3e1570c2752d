import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

export const ROOT = resolve(__dirname, '..', '..')
export const CLI_JS = join(ROOT, 'out', 'main', 'cli.js')

export interface ConsoleProcess {
  child: ChildProcess
  url: string
  origin: string
  token: string
  dataDir: string
  /** Everything printed so far (stdout and stderr). */
  output(): string
  /** SIGINT to the process group (as Ctrl-C in a terminal does) and wait for exit. */
  stop(signal?: NodeJS.Signals): Promise<number | null>
}

/**
 * Starts `node out/main/cli.js <command>` (what `npm start` runs after building) in its own process
 * group on a free port, and resolves when it has printed the console URL.
 */
export async function startConsole(
  opts: { command?: 'console' | 'start'; env?: NodeJS.ProcessEnv; args?: string[] } = {}
): Promise<ConsoleProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'flowlab-e2e-'))
  const child = spawn(
    process.execPath,
    [CLI_JS, opts.command ?? 'console', '--port', '0', ...(opts.args ?? [])],
    {
      cwd: ROOT,
      env: { ...process.env, FLOWLAB_DATA_DIR: dataDir, FLOWLAB_NO_ELECTRON: '1', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true
    }
  )
  let out = ''
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()))
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)))
  const url = await new Promise<string>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`console did not start:\n${out}`)), 30_000)
    const check = (): void => {
      const match = /Press Ctrl-C to stop/.test(out) && /Flowlab console: (\S+)/.exec(out)
      if (match && match[1]) {
        clearTimeout(timer)
        res(match[1])
      }
    }
    child.stdout?.on('data', check)
    void exited.then((code) => {
      clearTimeout(timer)
      rej(new Error(`console exited with ${code}:\n${out}`))
    })
  })
  const parsed = new URL(url)
  let stopped: Promise<number | null> | null = null
  return {
    child,
    url,
    origin: parsed.origin,
    token: parsed.searchParams.get('token') ?? '',
    dataDir,
    output: () => out,
    stop: (signal = 'SIGINT') => {
      stopped ??= (async () => {
        if (child.exitCode === null && child.signalCode === null && child.pid) {
          try {
            process.kill(-child.pid, signal)
          } catch {
            // already gone
          }
        }
        const code = await exited
        rmSync(dataDir, { recursive: true, force: true })
        return code
      })()
      return stopped
    }
  }
}
