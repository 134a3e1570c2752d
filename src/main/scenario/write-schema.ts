import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { scenarioJsonSchema } from '@shared/contract/scenario'

/**
 * Writes docs/scenario.schema.json from the zod schema (`npx tsx src/main/scenario/write-schema.ts`);
 * src/main/scenario/schema.test.ts fails when the committed file is out of date.
 */
export const SCHEMA_FILE = resolve(
  import.meta.dirname,
  '..',
  '..',
  '..',
  'docs',
  'scenario.schema.json'
)

export function schemaText(): string {
  return JSON.stringify(scenarioJsonSchema(), null, 2) + '\n'
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  writeFileSync(SCHEMA_FILE, schemaText())
}
