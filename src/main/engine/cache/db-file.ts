import { accessSync, closeSync, constants, existsSync, openSync, readSync, statSync } from 'node:fs'
import { dirname } from 'node:path'

const SQLITE_HEADER = 'SQLite format 3\u0000'

/**
 * Why `path` cannot be the lab's database, in plain words, or null when it can: an existing file
 * must be empty or start with the SQLite header and be writable (by mode bits too: as root,
 * access() says yes to a 0444 file), and its folder must be writable for the WAL files.
 */
export function dbFileProblem(path: string): string | null {
  const dir = dirname(path)
  if (!existsSync(path)) {
    return writable(dir) ? null : `cannot create the database ${path}: its folder is read-only`
  }
  const stat = statSync(path)
  if (!stat.isFile()) return `the database ${path} is not a file`
  if (stat.size > 0) {
    const header = Buffer.alloc(SQLITE_HEADER.length)
    const fd = openSync(path, 'r')
    try {
      readSync(fd, header, 0, header.length, 0)
    } finally {
      closeSync(fd)
    }
    if (header.toString('latin1') !== SQLITE_HEADER) {
      return `the file ${path} is not a SQLite database; pick another --db file`
    }
  }
  if ((stat.mode & 0o222) === 0 || !writable(path)) {
    return `the database ${path} is read-only; make it writable or pick another --db file`
  }
  if (!writable(dir)) return `the folder of the database ${path} is read-only (WAL needs it)`
  return null
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK)
    return (statSync(path).mode & 0o222) !== 0
  } catch {
    return false
  }
}
