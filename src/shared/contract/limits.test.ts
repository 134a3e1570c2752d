import { describe, expect, it } from 'vitest'
import {
  ECHO_MAX_CHARS,
  echo,
  ErrorCode,
  guardInput,
  INPUT_MAX_BYTES,
  INPUT_MAX_DEPTH,
  parseCommand,
  truncateUtf8,
  utf8Bytes
} from './index'

/** `levels` arrays nested in the events of a channels:push, as the reported crash sent them. */
function deepPush(levels: number): string {
  return `{"kind":"call","id":1,"command":{"type":"channels:push","clientId":"x","events":[${'['.repeat(levels)}${']'.repeat(levels)}]}}`
}

/** A value nested `levels` deep, built without recursion. */
function deepValue(levels: number): unknown {
  let value: unknown = 0
  for (let i = 0; i < levels; i++) value = i % 2 ? [value] : { a: value }
  return value
}

describe('guardInput', () => {
  it('lets ordinary commands through, as text and as values', () => {
    const command = { type: 'redis:setPersistence', enabled: false }
    expect(guardInput(command)).toBeNull()
    expect(guardInput(JSON.stringify({ kind: 'call', id: 1, command }), 'json-text')).toBeNull()
    expect(guardInput(deepValue(INPUT_MAX_DEPTH))).toBeNull()
    expect(
      guardInput(`${'['.repeat(INPUT_MAX_DEPTH)}${']'.repeat(INPUT_MAX_DEPTH)}`, 'json-text')
    ).toBeNull()
  })

  it('refuses the reported 2,000-level push before any parser sees it, naming the depth limit', () => {
    expect(guardInput(deepPush(2_000), 'json-text')).toEqual({
      ok: false,
      error: {
        code: ErrorCode.LimitExceeded,
        message: expect.stringContaining('INPUT_MAX_DEPTH') as unknown,
        details: { limit: 'INPUT_MAX_DEPTH', max: INPUT_MAX_DEPTH, unit: 'levels' }
      }
    })
    expect(guardInput(deepValue(100_000))?.error.details?.limit).toBe('INPUT_MAX_DEPTH')
    expect(guardInput(deepValue(INPUT_MAX_DEPTH + 1))?.error.details?.limit).toBe('INPUT_MAX_DEPTH')
  })

  it('counts brackets inside strings as text, escaped quotes included', () => {
    const text = JSON.stringify({ type: `"\\${'['.repeat(10_000)}` })
    expect(guardInput(text, 'json-text')).toBeNull()
  })

  it('refuses input over INPUT_MAX_BYTES, counting UTF-8 bytes, naming the size limit', () => {
    const limit = (input: unknown, form?: 'json-text'): unknown =>
      guardInput(input, form)?.error.details
    const bytes = { limit: 'INPUT_MAX_BYTES', max: INPUT_MAX_BYTES, unit: 'bytes' }
    expect(limit('x'.repeat(INPUT_MAX_BYTES + 1), 'json-text')).toEqual(bytes)
    // 3 bytes per character: a third of the limit in characters is over it in bytes.
    expect(limit(`"${'€'.repeat(INPUT_MAX_BYTES / 3)}"`, 'json-text')).toEqual(bytes)
    expect(limit({ type: 'x'.repeat(INPUT_MAX_BYTES) })).toEqual(bytes)
    expect(limit({ type: 'x', data: new Uint8Array(INPUT_MAX_BYTES) })).toEqual(bytes)
    expect(limit(new Array(1e9))).toEqual(bytes)
    expect(limit(Array.from({ length: INPUT_MAX_BYTES / 2 }, () => 0))).toEqual(bytes)
    expect(limit(new Map([[1, 'x'.repeat(INPUT_MAX_BYTES)]]))).toEqual(bytes)
  })

  it('ends on a cyclic value (IPC clones cycles) with an error instead of looping', () => {
    const cyclic: Record<string, unknown> = { type: 'redis:kill' }
    cyclic.self = cyclic
    expect(guardInput(cyclic)?.error.code).toBe(ErrorCode.LimitExceeded)
    const wide: Record<string, unknown> = {}
    for (let i = 0; i < 1_000; i++) wide[`k${i}`] = wide
    expect(guardInput(wide)?.error.code).toBe(ErrorCode.LimitExceeded)
  })

  it('refuses a value it cannot walk instead of throwing', () => {
    const hostile = {
      get type(): string {
        throw new Error('getter')
      }
    }
    expect(guardInput(hostile)?.error.code).toBe(ErrorCode.LimitExceeded)
  })
})

describe('truncateUtf8 and echo', () => {
  it('keeps short text and cuts long text with a marker that counts the bytes left out', () => {
    expect(truncateUtf8('short', 10)).toBe('short')
    const cut = truncateUtf8('x'.repeat(1_000), 100)
    expect(utf8Bytes(cut)).toBeLessThanOrEqual(100)
    const left = Number(/…\[truncated (\d+) bytes]$/.exec(cut)?.[1])
    expect(cut.indexOf('…')).toBe(1_000 - left)
  })

  it('never splits a surrogate pair', () => {
    const cut = truncateUtf8('😀'.repeat(100), 50)
    expect(utf8Bytes(cut)).toBeLessThanOrEqual(50)
    expect(cut).toMatch(/^(😀)+…\[truncated \d+ bytes]$/)
  })

  it('echoes at most ECHO_MAX_CHARS of a caller text, so an unknown type is never echoed in full', () => {
    expect(echo('x'.repeat(ECHO_MAX_CHARS))).toBe('x'.repeat(ECHO_MAX_CHARS))
    const type = `nope:${'x'.repeat(60_000)}`
    const result = parseCommand({ type })
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.error.message.length).toBeLessThan(ECHO_MAX_CHARS + 200)
    expect(result.error.message).toContain('(60005 characters)')
    const keys = parseCommand({ type: 'redis:kill', ['k'.repeat(60_000)]: 1 })
    expect(!keys.ok && keys.error.message.length).toBeLessThan(ECHO_MAX_CHARS * 3 + 200)
  })
})
