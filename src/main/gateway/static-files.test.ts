import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { readStatic } from './static-files'

const root = mkdtempSync(join(tmpdir(), 'flowlab-static-'))
writeFileSync(join(root, 'index.html'), '<html></html>')
writeFileSync(join(root, 'app.js'), 'x')
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('readStatic', () => {
  it('serves files under the root with their type', async () => {
    expect((await readStatic(root, '/app.js'))?.type).toContain('javascript')
    expect((await readStatic(root, '/'))?.type).toContain('html')
  })

  it('never serves a path outside the root', async () => {
    for (const path of [
      '/../../etc/passwd',
      '/..%2f..%2fetc/passwd',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/a\0b'
    ]) {
      const file = await readStatic(root, path)
      expect(file === null || file.body.toString() === '<html></html>').toBe(true)
    }
  })

  it('answers 404 (null) for a missing asset, index.html for an app route', async () => {
    expect(await readStatic(root, '/missing.js')).toBeNull()
    expect((await readStatic(root, '/some/route'))?.body.toString()).toBe('<html></html>')
  })
})
