import { existsSync } from 'node:fs'
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'

/** The repository (or packaged app) root: holds package.json and out/. */
export function appRoot(): string {
  // Built: out/main/cli.js → ../..; from source (tsx): src/main/cli/*.ts → ../../..
  const candidates = [resolve(__dirname, '..', '..'), resolve(__dirname, '..', '..', '..')]
  return candidates.find((dir) => existsSync(join(dir, 'package.json'))) ?? process.cwd()
}

/** Folder of the built renderer, or null when `npm run build` has not been run. */
export function rendererDir(): string | null {
  const dir = join(appRoot(), 'out', 'renderer')
  return existsSync(join(dir, 'index.html')) ? dir : null
}

/**
 * Where Flowlab keeps data: `FLOWLAB_DATA_DIR`, else the same folder Electron's `userData` uses
 * for an app named flowlab, so the desktop window and the browser console share one Redis folder.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FLOWLAB_DATA_DIR) return resolve(env.FLOWLAB_DATA_DIR)
  if (process.platform === 'darwin')
    return join(homedir(), 'Library', 'Application Support', 'flowlab')
  if (process.platform === 'win32')
    return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'flowlab')
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'flowlab')
}

/** The app version from package.json. */
export function appVersion(): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require(join(appRoot(), 'package.json')) as { version: string }).version
  } catch {
    return '0.0.0'
  }
}
