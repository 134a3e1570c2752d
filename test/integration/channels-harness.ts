import { spawn, type ChildProcess } from 'node:child_process'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import type { ChannelsCommandInput, ChannelsInfo } from '@shared/contract/labs/channels'

export const ROOT = resolve(__dirname, '..', '..')
const HOST_MAIN = join(ROOT, 'test', 'helpers', 'channels-host-main.ts')

/** A `flowlab channels-host` child process: the Channels lab and its managed Redis. */
export interface ChannelsHostProcess {
  child: ChildProcess
  endpoint: string
  /** Runs one command; rejects with the error message when it fails. */
  run<T = unknown>(command: ChannelsCommandInput): Promise<T>
  info(): Promise<ChannelsInfo>
  /** Waits until `check(info)` holds (polling the host), or fails after `timeoutMs`. */
  until(check: (info: ChannelsInfo) => boolean, timeoutMs?: number): Promise<ChannelsInfo>
  /** SIGKILL, as a crash would; resolves when the process is gone. */
  kill(): Promise<void>
  /** SIGTERM (clean close) and wait. */
  stop(): Promise<void>
  output(): string
}

/**
 * Starts the host with `node --import tsx` on a data folder and an endpoint, and resolves once it
 * printed its ready line.
 */
export async function startChannelsHost(opts: {
  dataDir: string
  endpoint: string
  prefix?: string
  env?: NodeJS.ProcessEnv
}): Promise<ChannelsHostProcess> {
  const args = [
    '--import',
    'tsx',
    HOST_MAIN,
    '--data-dir',
    opts.dataDir,
    '--endpoint',
    opts.endpoint
  ]
  if (opts.prefix) args.push('--prefix', opts.prefix)
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, REDIS_URL: '', ...opts.env },
    stdio: ['pipe', 'pipe', 'pipe']
  })
  let err = ''
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()))
  const exited = new Promise<void>((res) => child.once('exit', () => res()))
  const pending = new Map<
    number,
    (msg: { ok: boolean; value?: unknown; error?: { message: string } }) => void
  >()
  let nextId = 1
  let ready: (endpoint: string) => void = () => undefined
  const readyLine = new Promise<string>((res, rej) => {
    ready = res
    const timer = setTimeout(() => rej(new Error(`channels host did not start:\n${err}`)), 30_000)
    void exited.then(() => {
      clearTimeout(timer)
      rej(new Error(`channels host exited:\n${err}`))
    })
  })
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream })
  lines.on('line', (line) => {
    let msg: Record<string, unknown>
    try {
      msg = JSON.parse(line) as Record<string, unknown>
    } catch {
      return
    }
    if (msg.ready === true) ready(String(msg.endpoint))
    else if (typeof msg.id === 'number') pending.get(msg.id)?.(msg as never)
  })
  const endpoint = await readyLine
  const call = (body: Record<string, unknown>): Promise<unknown> => {
    const id = nextId++
    return new Promise((res, rej) => {
      pending.set(id, (msg) => {
        pending.delete(id)
        if (msg.ok) res(msg.value)
        else rej(new Error(msg.error?.message ?? 'failed'))
      })
      child.stdin?.write(JSON.stringify({ id, ...body }) + '\n')
    })
  }
  const info = (): Promise<ChannelsInfo> => call({ info: true }) as Promise<ChannelsInfo>
  return {
    child,
    endpoint,
    run: <T>(command: ChannelsCommandInput) => call({ command }) as Promise<T>,
    info,
    until: async (check, timeoutMs = 15_000) => {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const current = await info()
        if (check(current)) return current
        if (Date.now() > deadline)
          throw new Error(`condition not met: ${JSON.stringify(current).slice(0, 2_000)}`)
        await new Promise((r) => setTimeout(r, 25))
      }
    },
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      await exited
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      await exited
    },
    output: () => err
  }
}

/** Waits until `check()` is true, polling every few ms, or fails after `timeoutMs`. */
export async function eventually(
  check: () => boolean,
  timeoutMs = 10_000,
  what = 'condition'
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}
