import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'
import type { InstallHint } from '@shared/contract'

/** How to get redis-server, per platform, for the "Redis is missing" message. */
export const REDIS_INSTALL_HINTS: InstallHint[] = [
  { platform: 'Debian / Ubuntu', command: 'sudo apt-get install redis-server' },
  { platform: 'Fedora', command: 'sudo dnf install redis' },
  { platform: 'macOS (Homebrew)', command: 'brew install redis' },
  {
    platform: 'Windows',
    command:
      'install Redis inside WSL (sudo apt-get install redis-server), or run any Redis and set REDIS_URL'
  }
]

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/**
 * Finds the redis-server binary: `REDIS_SERVER_BIN` if set (it must exist), else the first match on
 * PATH. Returns null when there is none, so the caller can say how to install it.
 */
export function findRedisServer(env: NodeJS.ProcessEnv = process.env): string | null {
  const explicit = env.REDIS_SERVER_BIN
  if (explicit) return isExecutable(explicit) ? explicit : null
  const names = process.platform === 'win32' ? ['redis-server.exe'] : ['redis-server']
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue
    for (const name of names) {
      const candidate = join(dir, name)
      if (isExecutable(candidate)) return candidate
    }
  }
  return null
}
