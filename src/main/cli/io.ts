/** What a CLI command may touch, so tests can run commands in-process with fakes. */
export interface CliIo {
  stdout(line: string): void
  stderr(line: string): void
  readFile(path: string): Promise<string>
  env: NodeJS.ProcessEnv
  /** Registers what to do on SIGINT/SIGTERM/SIGHUP (Ctrl-C, closed terminal). */
  onShutdown(handler: () => void): void
}

/** Where a headless run's progress line goes: the terminal's stderr, or a test's fake. */
export interface ProgressOut {
  isTTY: boolean
  write(text: string): void
}

/** The progress line is redrawn this often on a terminal. */
const PROGRESS_INTERVAL_MS = 200

/**
 * Resolves with `done`; meanwhile, on a terminal and without --json, redraws `line()` in place
 * every PROGRESS_INTERVAL_MS, and prints it once more, finished, at the end.
 * @param out defaults to stderr when stderr is a terminal (then nothing is drawn otherwise)
 */
export async function withProgress<T>(
  done: Promise<T>,
  line: () => string,
  opts: { json: boolean; out?: ProgressOut | undefined }
): Promise<T> {
  const out =
    opts.out ??
    (process.stderr.isTTY
      ? { isTTY: true, write: (t: string): void => void process.stderr.write(t) }
      : null)
  if (opts.json || !out?.isTTY) return done
  const timer = setInterval(() => out.write(line()), PROGRESS_INTERVAL_MS)
  try {
    return await done
  } finally {
    clearInterval(timer)
    out.write(line() + '\n')
  }
}
