import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A fresh folder under the OS temp dir, and the function that removes it. */
export function tempDir(prefix = 'flowlab-test-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix))
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) }
}

/**
 * A PATH with nothing but `node` on it (a link in a folder of its own), so redis-server cannot be
 * found through it even where it sits beside node, as Debian puts both in /usr/bin.
 */
export function pathWithoutRedis(dir: string): string {
  const bin = join(dir, 'bin-without-redis')
  mkdirSync(bin, { recursive: true })
  symlinkSync(process.execPath, join(bin, 'node'))
  return bin
}
