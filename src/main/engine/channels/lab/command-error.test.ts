import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CommandError } from '@shared/contract'
import { ChannelsCommandSchema, type ChannelsCommandInput } from '@shared/contract/labs/channels'
import { RedisHost } from '../../redis/redis-host'
import { ChannelsLab } from '../channels-lab'
import { NotifyError, NotifyErrorCode } from '../model'
import { toCommandError } from './command-error'

// The CORBA exception or constraint error code must reach the caller as a field
// (`details.notifyCode`, with `column` for a constraint error), not only as a message prefix.

describe('toCommandError', () => {
  it('keeps the message and carries an AlreadyConnected code as details.notifyCode', () => {
    const err = toCommandError(new NotifyError(NotifyErrorCode.ALREADY_CONNECTED)) as CommandError
    expect(err).toBeInstanceOf(CommandError)
    expect(err.code).toBe('invalid_state')
    expect(err.message).toBe('AlreadyConnected: the proxy already has a client; obtain a new proxy')
    expect(err.details).toEqual({ notifyCode: 'AlreadyConnected' })
  })

  it('passes anything that is not a model or filter exception through unchanged', () => {
    const plain = new Error('boom')
    expect(toCommandError(plain)).toBe(plain)
  })
})

describe('ChannelsLab command errors carry details', () => {
  let lab: ChannelsLab
  const run = (input: ChannelsCommandInput): Promise<unknown> =>
    lab.execute(ChannelsCommandSchema.parse(input))
  const failure = (input: ChannelsCommandInput): Promise<CommandError> =>
    run(input).then(
      () => {
        throw new Error('expected the command to fail')
      },
      (e: unknown) => e as CommandError
    )

  beforeEach(async () => {
    lab = new ChannelsLab({
      redis: new RedisHost({ dataDir: '/nonexistent-flowlab-unit' }),
      emit: () => undefined,
      endpoint: null
    })
    await lab.start()
  })

  afterEach(async () => {
    await lab.close()
  })

  it('AdminLimitExceeded and UnsupportedQoS name their exception in details.notifyCode', async () => {
    const { channelId } = (await run({
      type: 'channels:create',
      admin: [{ name: 'MaxConsumers', value: 1 }]
    })) as { channelId: number }
    await run({ type: 'channels:connect', channelId, role: 'pull-consumer' })
    const limit = await failure({ type: 'channels:connect', channelId, role: 'push-consumer' })
    expect(limit.message).toBe(
      'AdminLimitExceeded: MaxConsumers is 1; no more proxies on this side'
    )
    expect(limit.details).toEqual({ notifyCode: 'AdminLimitExceeded' })
    const qos = await failure({
      type: 'channels:create',
      qos: [{ name: 'Priority', value: 40_000 }]
    })
    expect(qos.code).toBe('invalid_command')
    expect(qos.details).toEqual({ notifyCode: 'UnsupportedQoS' })
  })

  it('a constraint syntax error carries InvalidConstraint and its column', async () => {
    const { channelId } = (await run({ type: 'channels:create' })) as { channelId: number }
    const err = await failure({
      type: 'channels:addFilter',
      target: { channelId, side: 'consumer', adminId: 0 },
      constraints: [{ constraint_expr: '$Priority >' }]
    })
    expect(err.code).toBe('invalid_command')
    expect(err.details?.notifyCode).toBe('InvalidConstraint')
    expect(typeof err.details?.column).toBe('number')
    expect(err.message).toMatch(/^InvalidConstraint: .* \(column \d+\)$/)
    expect(err.message).toContain(`(column ${String(err.details?.column)})`)
    // The column is said once, not also by the constraint error's own `column N:` prefix.
    expect(err.message.match(/column/g)).toHaveLength(1)
  })

  it('a filter error without a column carries only the code', async () => {
    const { channelId } = (await run({ type: 'channels:create' })) as { channelId: number }
    const err = await failure({
      type: 'channels:addFilter',
      target: { channelId, side: 'consumer', adminId: 0 },
      grammar: 'NO_SUCH_GRAMMAR',
      constraints: []
    })
    expect(err.details).toEqual({ notifyCode: 'InvalidGrammar' })
  })
})
