import { z } from 'zod'
import { LAB_CONTRACTS } from '../labs'
import type { LabContracts } from '../validate'
import { ScenarioSchema } from './format'

/** The settings schema of a lab's `<lab>:start` command, if its contract has one. */
function startSettings(lab: string, contracts: LabContracts): z.ZodType | null {
  const commands = contracts[lab]?.commands as unknown as {
    options?: readonly { shape?: Record<string, z.ZodType> }[]
  }
  for (const option of commands.options ?? []) {
    const type = option.shape?.type as unknown as { value?: unknown } | undefined
    if (type?.value === `${lab}:start`) return option.shape?.settings ?? null
  }
  return null
}

/**
 * The JSON Schema of the format (docs/scenario.schema.json is this, pretty-printed), with each
 * lab's start settings under `settings` when `lab` names it, so an editor completes them too.
 */
export function scenarioJsonSchema(
  contracts: LabContracts = LAB_CONTRACTS
): Record<string, unknown> {
  const schema = z.toJSONSchema(ScenarioSchema, { io: 'input', target: 'draft-2020-12' })
  const perLab = Object.keys(contracts)
    .sort()
    .map((lab) => {
      const settings = startSettings(lab, contracts)
      const then = settings
        ? z.toJSONSchema(settings, { io: 'input', target: 'draft-2020-12' })
        : { type: 'object', maxProperties: 0 }
      delete (then as { $schema?: unknown }).$schema
      return {
        if: { properties: { lab: { const: lab } }, required: ['lab'] },
        then: { properties: { settings: then } }
      }
    })
  return {
    $id: 'https://flowlab.dev/scenario.schema.json',
    title: 'Flowlab scenario (version 1)',
    ...schema,
    allOf: perLab
  }
}
