import { afterEach, beforeEach, vi } from 'vitest'

// Any console.error or console.warn a test did not expect fails that test (Lichtblick's rule):
// a warning nobody reads is a bug nobody fixes. A test that expects one spies on it itself.
let unexpected: string[] = []

beforeEach(() => {
  unexpected = []
  for (const level of ['error', 'warn'] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      unexpected.push(`console.${level}: ${args.map(String).join(' ')}`)
    })
  }
})

afterEach(() => {
  vi.restoreAllMocks()
  if (unexpected.length > 0) {
    const lines = unexpected.join('\n')
    unexpected = []
    throw new Error(`unexpected console output:\n${lines}`)
  }
})
