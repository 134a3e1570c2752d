import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { Database } from './database'
import { dbFileProblem } from './db-file'

describe('the database file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowlab-cache-db-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('accepts a missing, empty or SQLite file and names what is wrong otherwise', () => {
    expect(dbFileProblem(join(dir, 'new.sqlite'))).toBeNull()
    writeFileSync(join(dir, 'empty.sqlite'), '')
    expect(dbFileProblem(join(dir, 'empty.sqlite'))).toBeNull()
    writeFileSync(join(dir, 'text.txt'), 'plain text that is long enough')
    expect(dbFileProblem(join(dir, 'text.txt'))).toContain('not a SQLite database')
    const db = new Database(join(dir, 'ro.sqlite'), 3, 0)
    db.close()
    chmodSync(join(dir, 'ro.sqlite'), 0o444)
    expect(dbFileProblem(join(dir, 'ro.sqlite'))).toContain('read-only')
    chmodSync(join(dir, 'ro.sqlite'), 0o644)
  })

  it('starts from a fresh seeded table and only moves rows forward', async () => {
    const db = new Database(join(dir, 'fresh.sqlite'), 3, 0)
    expect(db.peek('k3')).toEqual({ value: 'v0', version: 0 })
    await db.write({ key: 'k1', value: 'v5', version: 5 })
    await db.write({ key: 'k1', value: 'v4', version: 4 })
    expect(db.peek('k1')).toEqual({ value: 'v5', version: 5 })
    db.down = true
    await expect(db.read('k1')).rejects.toThrow('down')
    db.down = false
    const aborted = new AbortController()
    aborted.abort()
    expect(await db.writeBatch([{ key: 'k2', value: 'v9', version: 9 }], aborted.signal)).toBe(
      false
    )
    expect(db.versions().get('k2')).toBe(0)
    // Statements that ran count, whether or not a newer row kept its place.
    expect(db.counts).toEqual({ reads: 0, writes: 2 })
    db.close()
  })
})
