import { describe, expect, it } from 'vitest'
import { CommandType, ErrorCode, parseCommand } from './index'

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
