import { z } from 'zod'
import { defineLabContract } from '@shared/contract'
import type { LabDefinition } from '../../src/main/engine/lab'

/**
 * A lab for door tests whose commands are bugs on purpose, run through the real engine:
 * `probe:bigint` replies with a value JSON cannot carry (the gateway's send throws), and
 * `probe:throw` throws something whose message cannot even be read.
 */
const ProbeCommand = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('probe:bigint') }),
  z.strictObject({ type: z.literal('probe:throw') })
])

export const probeLab: LabDefinition<{ calls: number }, z.output<typeof ProbeCommand>> = {
  id: 'probe',
  contract: defineLabContract<{ calls: number }>()({
    id: 'probe',
    commands: ProbeCommand,
    results: { 'probe:bigint': z.bigint(), 'probe:throw': z.null() }
  }),
  create: () => {
    let calls = 0
    return {
      id: 'probe',
      start: async () => undefined,
      close: async () => undefined,
      execute: async (command) => {
        calls++
        if (command.type === 'probe:bigint') return 10n
        const hostile = {
          toString(): string {
            throw new Error('toString refused')
          }
        }
        throw hostile
      },
      toInfo: () => ({ calls }),
      problems: () => []
    }
  }
}
