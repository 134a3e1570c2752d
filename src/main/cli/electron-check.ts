import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

/**
 * Why the desktop window cannot open here, or null when it can. Checks without starting anything:
 * requiring the `electron` package from Node would try to download the binary.
 */
export function electronUnavailableReason(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.FLOWLAB_NO_ELECTRON === '1') return 'FLOWLAB_NO_ELECTRON=1 is set'
  let pkgDir: string
  try {
    pkgDir = dirname(require.resolve('electron/package.json'))
  } catch {
    return 'the electron package is not installed'
  }
  const pathFile = join(pkgDir, 'path.txt')
  const binary = existsSync(pathFile)
    ? join(pkgDir, 'dist', readFileSync(pathFile, 'utf8').trim())
    : null
  if (!binary || !existsSync(binary)) {
    return "Electron's binary is not installed (its download is not reachable from this machine; run `npx install-electron` where it is)"
  }
  if (process.platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) {
    return 'there is no display (DISPLAY and WAYLAND_DISPLAY are not set)'
  }
  return null
}

/** Path of the Electron executable; only call when {@link electronUnavailableReason} is null. */
export function electronBinary(): string {
  const pkgDir = dirname(require.resolve('electron/package.json'))
  return join(pkgDir, 'dist', readFileSync(join(pkgDir, 'path.txt'), 'utf8').trim())
}
