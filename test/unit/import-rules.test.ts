import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  buildImportGraph,
  checkImports,
  describeReport,
  type ImportReport,
  FALLBACK_LABS,
  labsIn
} from '../helpers/import-graph'
import { tempDir } from '../helpers/temp-dir'

const ROOT = resolve(__dirname, '..', '..')

describe('import rules of the source tree', () => {
  // One scan for the whole block: other work moves files, but not while this file runs.
  let report: ImportReport
  beforeAll(() => {
    report = checkImports(ROOT)
  })

  it('has no import cycle', () => {
    expect(describeReport({ ...report, crossLab: [] })).toEqual([])
  })

  it('has no import from one lab into another', () => {
    expect(report.labs).toEqual(expect.arrayContaining(['channels', 'dispatch']))
    expect(describeReport({ ...report, cycles: [] })).toEqual([])
  })

  it('sees the imports of the real tree, so an empty report means something', () => {
    const graph = buildImportGraph(ROOT)
    expect(graph.files).toContain('src/main/engine/lab.ts')
    expect(graph.files.some((file) => file.endsWith('.test.ts'))).toBe(false)
    expect(graph.edges.some((edge) => edge.specifier.startsWith('@shared/'))).toBe(true)
  })
})

describe('the import checker on a planted tree', () => {
  let dir: ReturnType<typeof tempDir>

  const write = (path: string, text: string): void => {
    mkdirSync(dirname(join(dir.path, path)), { recursive: true })
    writeFileSync(join(dir.path, path), text)
  }

  beforeEach(() => {
    dir = tempDir('flowlab-imports-')
  })

  afterEach(() => {
    dir.remove()
  })

  it('reports a cycle and an import from one lab into another', () => {
    write('src/main/engine/a.ts', "import { b } from './b'\nexport const a = (): number => b + 1\n")
    write('src/main/engine/b.ts', "import { a } from './a'\nexport const b = 1\nvoid a\n")
    write('src/main/engine/dispatch/y.ts', 'export const y = 1\n')
    write(
      'src/main/engine/channels/x.ts',
      "import { y } from '../dispatch/y'\nexport const x = y\n"
    )
    const report = checkImports(dir.path)
    expect(report.labs).toEqual([...FALLBACK_LABS].sort())
    expect(report.cycles).toEqual([
      ['src/main/engine/a.ts', 'src/main/engine/b.ts', 'src/main/engine/a.ts']
    ])
    expect(report.crossLab).toEqual([
      {
        from: 'src/main/engine/channels/x.ts',
        fromLab: 'channels',
        to: 'src/main/engine/dispatch/y.ts',
        toLab: 'dispatch',
        specifier: '../dispatch/y'
      }
    ])
    expect(describeReport(report)).toHaveLength(2)
  })

  it('does not report a cycle closed only by type-only imports', () => {
    write(
      'src/a.ts',
      "import type { B } from './b'\nexport type A = { b?: B }\nexport const a = 1\n"
    )
    write(
      'src/b.ts',
      "import { a } from './a'\nexport type B = { a: number }\nexport const b = a\n"
    )
    write('src/c.ts', "import { type D } from './d'\nexport type C = D\n")
    write('src/d.ts', "export type { C } from './c'\nexport type D = number\n")
    expect(checkImports(dir.path).cycles).toEqual([])
    const runtime = buildImportGraph(dir.path).edges.filter((edge) => !edge.typeOnly)
    expect(runtime.map((edge) => `${edge.from} -> ${edge.to}`)).toEqual(['src/b.ts -> src/a.ts'])
  })

  it('lists each cycle of a tangle, not just the tangle', () => {
    write('src/a.ts', "import './b'\nimport './c'\n")
    write('src/b.ts', "import './a'\n")
    write('src/c.ts', "export * from './a'\n")
    expect(checkImports(dir.path).cycles).toEqual([
      ['src/a.ts', 'src/b.ts', 'src/a.ts'],
      ['src/a.ts', 'src/c.ts', 'src/a.ts']
    ])
  })

  it('follows the aliases and index files, and skips test files', () => {
    write('src/shared/contract/index.ts', "export * from '../../renderer/src/lib/format'\n")
    write('src/renderer/src/lib/format.ts', "import '@renderer/lib/setup'\nexport const f = 1\n")
    write('src/renderer/src/lib/setup.tsx', "import { f } from '@shared/contract'\nvoid f\n")
    write('src/renderer/src/lib/setup.test.tsx', "import '@shared/contract/index'\n")
    const report = checkImports(dir.path)
    expect(report.cycles).toEqual([
      [
        'src/renderer/src/lib/format.ts',
        'src/renderer/src/lib/setup.tsx',
        'src/shared/contract/index.ts',
        'src/renderer/src/lib/format.ts'
      ]
    ])
  })

  it('takes the labs from the contract folder and checks all three folders of a lab', () => {
    write('src/shared/contract/labs/counter/index.ts', 'export const counter = 1\n')
    write('src/shared/contract/labs/timer/index.ts', "export { counter } from '../counter'\n")
    write('src/renderer/src/features/timer/Timer.tsx', "import '@shared/contract/labs/timer'\n")
    write('src/renderer/src/features/counter/Counter.tsx', "import '../timer/Timer'\n")
    write(
      'src/main/engine/dispatch/shared-use.ts',
      "import '../../../shared/contract/labs/timer'\n"
    )
    expect(labsIn(dir.path)).toEqual(['counter', 'timer'])
    const lines = describeReport(checkImports(dir.path))
    expect(lines).toEqual([
      "cross-lab: src/renderer/src/features/counter/Counter.tsx (counter) imports '../timer/Timer' = src/renderer/src/features/timer/Timer.tsx (timer)",
      "cross-lab: src/shared/contract/labs/timer/index.ts (timer) imports '../counter' = src/shared/contract/labs/counter/index.ts (counter)"
    ])
  })
})
