import { describe, expect, it } from 'vitest'
import { EngineError, ErrorCode } from '@shared/contract'
import { unwrapReply } from './reply'

describe('unwrapReply', () => {
  it('returns a reply that matches the contract', () => {
    const value = unwrapReply<{ channelId: number }>(
      { type: 'channels:create' },
      { ok: true, value: { channelId: 7 } }
    )
    expect(value).toEqual({ channelId: 7 })
  })

  it('throws invalid_message for a reply the contract does not allow, naming the command', () => {
    let thrown: unknown = null
    try {
      unwrapReply(
        { type: 'channels:connect', channelId: 1, role: 'push-consumer' },
        {
          ok: true,
          value: { clientId: 3 }
        }
      )
    } catch (err) {
      thrown = err
    }
    expect(thrown).toBeInstanceOf(EngineError)
    expect((thrown as EngineError).code).toBe(ErrorCode.InvalidMessage)
    expect((thrown as EngineError).message).toContain("'channels:connect'")
  })

  it('throws the engine error, with its details, for a failed call', () => {
    let thrown: unknown = null
    try {
      unwrapReply(
        { type: 'redis:kill' },
        {
          ok: false,
          error: {
            code: ErrorCode.InvalidState,
            message: 'AlreadyConnected: …',
            details: { notifyCode: 'AlreadyConnected' }
          }
        }
      )
    } catch (err) {
      thrown = err
    }
    expect((thrown as EngineError).code).toBe(ErrorCode.InvalidState)
    expect((thrown as EngineError).details).toEqual({ notifyCode: 'AlreadyConnected' })
  })
})
