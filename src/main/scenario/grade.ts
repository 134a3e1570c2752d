import type { ScenarioExpect, ScenarioOutcome } from '@shared/contract/scenario'

/** A count expectation in words: `= 3`, `≥ 1`, `from 2 to 5`. */
export function describeRange(
  e: number | { min?: number | undefined; max?: number | undefined }
): string {
  if (typeof e === 'number') return `${e}`
  if (e.min !== undefined && e.max !== undefined) return `${e.min} to ${e.max}`
  if (e.min !== undefined) return `at least ${e.min}`
  if (e.max !== undefined) return `at most ${e.max}`
  return 'any'
}

function inRange(
  value: number,
  e: number | { min?: number | undefined; max?: number | undefined }
): boolean {
  if (typeof e === 'number') return value === e
  return (e.min === undefined || value >= e.min) && (e.max === undefined || value <= e.max)
}

/**
 * Compares an outcome with the file's expectation.
 * @returns each difference in words (`verdict: expected violated, got held`); empty = passed.
 */
export function grade(expect: ScenarioExpect, outcome: ScenarioOutcome): string[] {
  const out: string[] = []
  if (outcome.verdict !== expect.verdict) {
    out.push(`verdict: expected ${expect.verdict}, got ${outcome.verdict}`)
  }
  const named = Object.keys(outcome.causes)
  const namedText = named.length > 0 ? named.join(', ') : 'none'
  for (const cause of expect.causes ?? []) {
    if (!outcome.causes[cause]) {
      out.push(`causes: expected ${cause} to be named, got ${namedText}`)
    }
  }
  if (expect.allowedCauses) {
    const allowed = new Set([...expect.allowedCauses, ...(expect.causes ?? [])])
    for (const cause of named) {
      if (!allowed.has(cause)) {
        out.push(
          `causes: ${cause} (×${outcome.causes[cause]}) is not among the allowed ${[...allowed].join(', ')}`
        )
      }
    }
  }
  for (const [name, e] of Object.entries(expect.counts ?? {})) {
    const value = outcome.counts[name]
    if (value === undefined) out.push(`counts.${name}: expected ${describeRange(e)}, got nothing`)
    else if (!inRange(value, e))
      out.push(`counts.${name}: expected ${describeRange(e)}, got ${value}`)
  }
  for (const [name, e] of Object.entries(expect.facts ?? {})) {
    const value = outcome.facts[name]
    if (value !== e)
      out.push(
        `facts.${name}: expected "${e}", got ${value === undefined ? 'nothing' : `"${value}"`}`
      )
  }
  return out
}

/** Whether a count holds its expectation (for waits). */
export function countHolds(value: number | undefined, min?: number, max?: number): boolean {
  return value !== undefined && inRange(value, { min, max })
}
