import { readFileSync, statSync } from 'node:fs'

/** The environment variable a worker reads the lab's Redis URL (with its password) from. */
export const REDIS_URL_ENV = 'FLOWLAB_REDIS_URL'
/** A --redis-url-file is a one-line URL; anything longer is not one, in bytes. */
const REDIS_URL_FILE_MAX_BYTES = 4_096

/** Where a command found its Redis URL, and what to tell the user about it. */
export interface RedisUrlChoice {
  url: string | undefined
  /** A warning to print (a password on the command line), or null. */
  warning: string | null
}

/** True when `url` carries a password (`redis://:PASSWORD@…` or `redis://USER:PASSWORD@…`). */
export function urlHasPassword(url: string): boolean {
  try {
    return new URL(url).password !== ''
  } catch {
    return /^rediss?:\/\/[^/@]*:[^/@]+@/.test(url)
  }
}

/**
 * The Redis URL of a command, from (first match wins) `--redis-url`, `--redis-url-file` (a file
 * only its owner may read, as `chmod 600` makes it), `FLOWLAB_REDIS_URL`, then `REDIS_URL`.
 * Every user of the machine can read a process's command line (/proc/PID/cmdline) but not its
 * environment, so a password belongs in the environment or the file: `--redis-url` with a password
 * still works, with a warning.
 * @throws Error with a message for the user when the file is unreadable, too open or not a URL.
 */
export function chooseRedisUrl(
  flags: { url: string | undefined; file: string | undefined },
  env: NodeJS.ProcessEnv,
  command: string
): RedisUrlChoice {
  if (flags.url !== undefined) {
    const warning = urlHasPassword(flags.url)
      ? `${command}: warning: --redis-url carries a password, which every user of this machine can read in the process list; put the URL in ${REDIS_URL_ENV} or in a file for --redis-url-file (chmod 600) instead`
      : null
    return { url: flags.url, warning }
  }
  if (flags.file !== undefined) return { url: readUrlFile(flags.file), warning: null }
  return { url: env[REDIS_URL_ENV] || env.REDIS_URL || undefined, warning: null }
}

function readUrlFile(path: string): string {
  let mode: number
  let text: string
  try {
    const stat = statSync(path)
    if (!stat.isFile()) throw new Error('not a file')
    if (stat.size > REDIS_URL_FILE_MAX_BYTES) throw new Error('too large for a URL')
    mode = stat.mode
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw new Error(`cannot read --redis-url-file ${path}: ${(err as Error).message}`, {
      cause: err
    })
  }
  if ((mode & 0o077) !== 0) {
    throw new Error(
      `--redis-url-file ${path} may be read by other users (mode ${(mode & 0o777).toString(8)}); chmod 600 it`
    )
  }
  const url = text.trim()
  if (!/^rediss?:\/\/\S+$/.test(url)) {
    throw new Error(`--redis-url-file ${path} does not hold a redis:// URL`)
  }
  return url
}
