import { describe, expect, it } from 'vitest'
import { EngineError, ErrorCode, INPUT_MAX_BYTES, INPUT_MAX_DEPTH } from '@shared/contract'
import { wsTransport } from './ws-transport'

/** The gateway cannot read the id of a message over its limits, so the transport refuses it first. */
describe('wsTransport limits', () => {
  const location = { search: '?token=t', protocol: 'http:', host: '127.0.0.1:1' } as Location

  const refusal = async (command: unknown): Promise<EngineError> => {
    try {
      await wsTransport(location).call(command as { type: 'engine:getSnapshot' })
    } catch (err) {
      return err as EngineError
    }
    throw new Error('the call did not fail')
  }

  it('fails a call over INPUT_MAX_BYTES at once with the gateway error', async () => {
    const error = await refusal({ type: 'channels:push', events: ['x'.repeat(INPUT_MAX_BYTES)] })
    expect(error.code).toBe(ErrorCode.LimitExceeded)
    expect(error.details?.limit).toBe('INPUT_MAX_BYTES')
  })

  it('fails a call nested deeper than INPUT_MAX_DEPTH at once', async () => {
    let deep: unknown = []
    for (let i = 0; i < INPUT_MAX_DEPTH; i++) deep = [deep]
    const error = await refusal({ type: 'channels:push', events: [deep] })
    expect(error.code).toBe(ErrorCode.LimitExceeded)
    expect(error.details?.limit).toBe('INPUT_MAX_DEPTH')
  })

  it('lets a small call through to the socket (here: not connected, so closed)', async () => {
    expect((await refusal({ type: 'engine:getSnapshot' })).code).toBe(ErrorCode.Closed)
  })
})
