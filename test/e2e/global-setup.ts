import { execFileSync } from 'node:child_process'
import { join, resolve } from 'node:path'

/** Builds the app once (renderer, main, preload) so e2e tests drive what `npm start` serves. */
export default function setup(): void {
  const root = resolve(__dirname, '..', '..')
  execFileSync(
    process.execPath,
    [
      join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'),
      'build',
      '--logLevel',
      'error'
    ],
    {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit']
    }
  )
}
