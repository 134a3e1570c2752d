/** What a CLI command may touch, so tests can run commands in-process with fakes. */
export interface CliIo {
  stdout(line: string): void
  stderr(line: string): void
  readFile(path: string): Promise<string>
  env: NodeJS.ProcessEnv
  /** Registers what to do on SIGINT/SIGTERM/SIGHUP (Ctrl-C, closed terminal). */
  onShutdown(handler: () => void): void
}
