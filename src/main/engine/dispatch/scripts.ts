import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

/**
 * Finds a Lua script of this folder by name. From source `__dirname` is this folder; from the
 * electron-vite build the code sits in out/main (or out/main/chunks), so we walk up to the app
 * root (the folder with package.json) and read the script from the source tree there.
 */
export function luaScript(name: string): string {
  const candidates = [join(__dirname, 'lua', name)]
  let dir = __dirname
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json'))) {
      candidates.push(join(dir, 'src', 'main', 'engine', 'dispatch', 'lua', name))
      break
    }
    dir = dirname(dir)
  }
  for (const file of candidates) {
    if (existsSync(file)) return readFileSync(file, 'utf8')
  }
  throw new Error(`Lua script ${name} not found (looked in ${candidates.join(', ')})`)
}

/** markAndApply-2.lua: the exactly-once-atomic step (mark + effect). */
export const MARK_AND_APPLY = 'markAndApply-2.lua'

/**
 * markAndApplyEpochs-1.lua: markAndApply-2 for a batch of epochs in one call (a pipelined batch,
 * or a lockstep worker's burst), the epochs as one binary argument (KEYS = effects; the marks are
 * built from their prefix).
 */
export const MARK_AND_APPLY_EPOCHS = 'markAndApplyEpochs-1.lua'
