import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(__dirname, '..', '..')
const ALLOWED = [/^src\/main\/index\.ts$/, /^src\/main\/shell\//, /^src\/preload\//]
const IMPORTS_ELECTRON =
  /(from\s+['"]electron(\/[^'"]*)?['"]|require\(\s*['"]electron['"]\s*\)|import\(\s*['"]electron['"]\s*\))/

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name)
    if (statSync(full).isDirectory()) return sources(full)
    return /\.(ts|tsx|mts|cts|js|cjs|mjs)$/.test(name) ? [full] : []
  })
}

describe('Electron stays in the shell', () => {
  it('is imported only by src/main/index.ts, src/main/shell/ and src/preload/', () => {
    const offenders = sources(join(ROOT, 'src'))
      .map((file) => relative(ROOT, file).split('\\').join('/'))
      .filter((file) => !ALLOWED.some((allowed) => allowed.test(file)))
      .filter((file) => IMPORTS_ELECTRON.test(readFileSync(join(ROOT, file), 'utf8')))
    expect(offenders).toEqual([])
  })

  it('the detector itself finds an electron import', () => {
    expect(IMPORTS_ELECTRON.test("import { app } from 'electron'")).toBe(true)
    expect(IMPORTS_ELECTRON.test("const { app } = require('electron')")).toBe(true)
    expect(IMPORTS_ELECTRON.test("import x from 'electron-vite'")).toBe(false)
  })
})
