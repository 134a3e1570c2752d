import { describe, expect, it } from 'vitest'
import { CommandType, ErrorCode, LAB_CONTRACTS, parseCommand, parseReply } from './index'

describe('parseCommand', () => {
  it('accepts every well-formed command', () => {
    for (const command of [
      { type: CommandType.EngineGetSnapshot },
      { type: CommandType.RedisKill },
      { type: CommandType.RedisRestart },
      { type: CommandType.RedisSetPersistence, enabled: false },
      { type: CommandType.TraceClear }
    ]) {
      expect(parseCommand(command)).toEqual({ ok: true, value: command })
    }
  })

  it('fills in the key browser defaults and reads a cursor as text', () => {
    expect(parseCommand({ type: CommandType.RedisScanKeys })).toEqual({
      ok: true,
      value: { type: CommandType.RedisScanKeys, prefix: 'flowlab:', cursor: '0', count: 50 }
    })
    expect(parseCommand({ type: CommandType.RedisReadKey, key: 'flowlab:x' })).toEqual({
      ok: true,
      value: { type: CommandType.RedisReadKey, key: 'flowlab:x' }
    })
    // A missing key and an existing one are both valid replies; anything else is not.
    expect(parseReply(CommandType.RedisReadKey, { key: 'k', exists: false }).ok).toBe(true)
    expect(parseReply(CommandType.RedisReadKey, { key: 'k', exists: true }).ok).toBe(false)
  })

  it('names the type field for an unknown command type', () => {
    const result = parseCommand({ type: 'redis:explode' })
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.error.code).toBe(ErrorCode.InvalidCommand)
    expect(result.error.field).toBe('type')
    expect(result.error.message).toMatch(/unknown command type/)
  })

  it('names the field of the wrong type', () => {
    const result = parseCommand({ type: CommandType.RedisSetPersistence, enabled: 'yes' })
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.error.field).toBe('enabled')
    expect(result.error.message).toContain("'enabled'")
  })

  it('names the missing field', () => {
    const result = parseCommand({ type: CommandType.RedisSetPersistence })
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.error.field).toBe('enabled')
    expect(result.error.message).toMatch(/'enabled' is missing/)
  })

  it('rejects unknown extra fields by name', () => {
    const result = parseCommand({ type: CommandType.RedisKill, force: true })
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.error.field).toBe('force')
  })

  it('rejects non-objects', () => {
    for (const input of [null, 42, 'redis:kill', [], undefined]) {
      const result = parseCommand(input)
      expect(result.ok).toBe(false)
      if (!result.ok) expect(result.error.field).toBe('type')
    }
  })
})

describe('parseReply', () => {
  it('has a reply schema for every command type of the core and of every lab', () => {
    const types: string[] = [
      ...Object.values(CommandType),
      ...Object.values(LAB_CONTRACTS).flatMap((lab) =>
        lab.commands.options.map((option) => option.shape.type.value as string)
      )
    ]
    expect(types.length).toBeGreaterThan(30)
    for (const type of types) {
      const result = parseReply(type, undefined)
      // Every type is known: a failure names a mismatch, never a missing schema.
      if (!result.ok) expect(result.error.message).not.toMatch(/no reply schema/)
    }
  })

  it('passes a reply that matches and names the command of one that does not', () => {
    expect(parseReply('channels:create', { channelId: 3 })).toEqual({
      ok: true,
      value: { channelId: 3 }
    })
    const bad = parseReply('channels:create', { channelId: 'three' })
    expect(bad.ok).toBe(false)
    if (bad.ok) return
    expect(bad.error.code).toBe(ErrorCode.InvalidMessage)
    expect(bad.error.message).toContain("'channels:create'")
    expect(bad.error.message).toContain('channelId')
  })

  it('routes lab commands to their lab schema by the domain prefix', () => {
    const ok = parseCommand({ type: 'channels:view', channelId: 1 })
    expect(ok.ok).toBe(true)
    const wrong = parseCommand({ type: 'dispatch:explode' })
    expect(wrong.ok).toBe(false)
    if (!wrong.ok) expect(wrong.error.field).toBe('type')
    const unknownDomain = parseCommand({ type: 'nowhere:thing' })
    expect(unknownDomain.ok).toBe(false)
    if (!unknownDomain.ok) expect(unknownDomain.error.message).toMatch(/unknown command type/)
  })
})
