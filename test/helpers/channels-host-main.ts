import { readFile } from 'node:fs/promises'
import { runChannelsHost } from '../../src/main/cli/channels-host'

// Entry point of the channels test host (`node --import tsx test/helpers/channels-host-main.ts`):
// the same as `flowlab channels-host`, without going through src/main/cli/index.ts.
runChannelsHost(process.argv.slice(2), {
  stdout: (line) => process.stdout.write(line + '\n'),
  stderr: (line) => process.stderr.write(line + '\n'),
  readFile: (path) => readFile(path, 'utf8'),
  env: process.env,
  onShutdown: (handler) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, handler)
  }
}).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`channels-host: ${String(err)}\n`)
    process.exit(1)
  }
)
