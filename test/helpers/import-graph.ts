import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, posix } from 'node:path'
import ts from 'typescript'

/**
 * The import graph of `src/`, and the two rules it must keep: no import cycle, and no import
 * from one lab's folders into another lab's (ARCHITECTURE: labs meet only through shared code).
 * A scanner of our own instead of madge: `typescript` is already installed, and we need to know
 * which imports are type-only, since those vanish at runtime and cannot close a cycle.
 */

/** One import statement of one source file that resolved to another source file. */
export interface ImportEdge {
  /** Importing file, relative to the root, with forward slashes. */
  from: string
  /** Imported file, same form; always one of the scanned files. */
  to: string
  /** The module specifier as written, e.g. `'../zmq/send-queue'` or `'@shared/contract'`. */
  specifier: string
  /** True for `import type`, `export type` and imports whose every name is `type`: erased. */
  typeOnly: boolean
}

/** Every scanned source file and every import between them. */
export interface ImportGraph {
  /** Scanned files, sorted; test files and declaration files are not among them. */
  files: string[]
  edges: ImportEdge[]
}

/** An import that crosses from one lab's folders into another lab's. */
export interface CrossLabImport {
  from: string
  fromLab: string
  to: string
  toLab: string
  specifier: string
}

/** What the checker found; both lists are empty on a healthy tree. */
export interface ImportReport {
  /** The labs the cross-lab rule was checked against. */
  labs: string[]
  /** Each cycle as a chain of files that starts and ends with the same file. */
  cycles: string[][]
  crossLab: CrossLabImport[]
}

/** The labs that existed before `src/shared/contract/labs/` did; used while that folder is empty. */
export const FALLBACK_LABS: readonly string[] = ['dispatch', 'channels']

/** Where a lab's contract folders live; their names are the lab ids. */
const CONTRACT_LABS_DIR = 'src/shared/contract/labs'

/** The same aliases as electron.vite.config.ts and the tsconfig projects. */
const ALIASES: ReadonlyArray<readonly [prefix: string, target: string]> = [
  ['@shared/', 'src/shared/'],
  ['@renderer/', 'src/renderer/src/']
]

/**
 * Elementary cycles listed per strongly connected group of files. The count of cycles can grow
 * exponentially with the size of a tangle; past this many the first ones already say what to fix.
 */
const CYCLES_PER_GROUP_MAX = 50

const SOURCE_FILE = /\.tsx?$/
const SKIPPED_FILE = /(\.test\.tsx?|\.d\.ts)$/

/** The folders that belong to `lab`, each ending in a slash. */
export function labFolders(lab: string): string[] {
  return [
    `src/main/engine/${lab}/`,
    `${CONTRACT_LABS_DIR}/${lab}/`,
    `src/renderer/src/features/${lab}/`
  ]
}

/**
 * The lab ids: the folder names under `src/shared/contract/labs/`, or {@link FALLBACK_LABS} when
 * that folder is missing or holds no lab yet.
 */
export function labsIn(root: string): string[] {
  const dir = join(root, CONTRACT_LABS_DIR)
  const labs = existsSync(dir)
    ? readdirSync(dir).filter((name) => statSync(join(dir, name)).isDirectory())
    : []
  return (labs.length > 0 ? labs : [...FALLBACK_LABS]).sort()
}

/** Source files under `root/src`, relative to `root`, sorted. */
function sourceFiles(root: string, dir = 'src'): string[] {
  const full = join(root, dir)
  if (!existsSync(full)) return []
  return readdirSync(full)
    .sort()
    .flatMap((name) => {
      const path = posix.join(dir, name)
      if (statSync(join(root, path)).isDirectory()) return sourceFiles(root, path)
      return SOURCE_FILE.test(name) && !SKIPPED_FILE.test(name) ? [path] : []
    })
}

/** An import clause binds nothing at runtime when it is `type` or all its names are. */
function isTypeOnlyImport(node: ts.ImportDeclaration): boolean {
  const clause = node.importClause
  if (!clause) return false // `import './x'` runs the module
  if (clause.isTypeOnly) return true
  const bindings = clause.namedBindings
  return (
    !clause.name &&
    bindings !== undefined &&
    ts.isNamedImports(bindings) &&
    bindings.elements.length > 0 &&
    bindings.elements.every((element) => element.isTypeOnly)
  )
}

function isTypeOnlyExport(node: ts.ExportDeclaration): boolean {
  if (node.isTypeOnly) return true
  const clause = node.exportClause
  return (
    clause !== undefined &&
    ts.isNamedExports(clause) &&
    clause.elements.length > 0 &&
    clause.elements.every((element) => element.isTypeOnly)
  )
}

/** The module specifiers of one file, with whether each import is erased at runtime. */
export function importsOf(
  fileName: string,
  text: string
): Array<{ specifier: string; typeOnly: boolean }> {
  const kind = fileName.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, kind)
  const found: Array<{ specifier: string; typeOnly: boolean }> = []
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push({ specifier: node.moduleSpecifier.text, typeOnly: isTypeOnlyImport(node) })
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push({ specifier: node.moduleSpecifier.text, typeOnly: isTypeOnlyExport(node) })
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference) &&
      ts.isStringLiteral(node.moduleReference.expression)
    ) {
      found.push({ specifier: node.moduleReference.expression.text, typeOnly: node.isTypeOnly })
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) && node.expression.text === 'require')) &&
      node.arguments.length === 1 &&
      ts.isStringLiteralLike(node.arguments[0]!)
    ) {
      // import('./x') and require('./x') load the module at runtime all the same.
      found.push({ specifier: (node.arguments[0] as ts.StringLiteralLike).text, typeOnly: false })
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}

/**
 * The scanned file `specifier` names when imported from `from`, or undefined for a package, an
 * asset or anything else outside the scanned files. Tries the path itself, `.ts`, `.tsx` and the
 * folder's `index.ts(x)`, and maps an ESM-style `.js` ending to its `.ts` source.
 */
export function resolveImport(
  from: string,
  specifier: string,
  files: ReadonlySet<string>
): string | undefined {
  let base: string | undefined
  if (specifier.startsWith('./') || specifier.startsWith('../') || specifier === '.') {
    base = posix.join(posix.dirname(from), specifier)
  } else {
    const alias = ALIASES.find(([prefix]) => specifier.startsWith(prefix))
    if (alias) base = posix.join(alias[1], specifier.slice(alias[0].length))
  }
  if (base === undefined) return undefined
  const stem = base.replace(/\.(m|c)?jsx?$/, '')
  const candidates = [base, `${stem}.ts`, `${stem}.tsx`, `${base}/index.ts`, `${base}/index.tsx`]
  return candidates.find((candidate) => files.has(candidate))
}

/** Scans `root/src/**\/*.{ts,tsx}` (tests and declaration files left out) into a graph. */
export function buildImportGraph(root: string): ImportGraph {
  const files = sourceFiles(root)
  const known = new Set(files)
  const edges = files.flatMap((from) =>
    importsOf(from, readFileSync(join(root, from), 'utf8')).flatMap(({ specifier, typeOnly }) => {
      const to = resolveImport(from, specifier, known)
      return to === undefined ? [] : [{ from, to, specifier, typeOnly }]
    })
  )
  return { files, edges }
}

/** Groups of files that reach each other (Tarjan), each sorted; singletons only with a self-import. */
function tangledGroups(nodes: string[], next: Map<string, string[]>): string[][] {
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const groups: string[][] = []
  const connect = (node: string): void => {
    index.set(node, index.size)
    low.set(node, index.get(node)!)
    stack.push(node)
    onStack.add(node)
    for (const to of next.get(node) ?? []) {
      if (!index.has(to)) {
        connect(to)
        low.set(node, Math.min(low.get(node)!, low.get(to)!))
      } else if (onStack.has(to)) {
        low.set(node, Math.min(low.get(node)!, index.get(to)!))
      }
    }
    if (low.get(node) !== index.get(node)) return
    const group: string[] = []
    let member: string
    do {
      member = stack.pop()!
      onStack.delete(member)
      group.push(member)
    } while (member !== node)
    if (group.length > 1 || (next.get(node) ?? []).includes(node)) groups.push(group.sort())
  }
  for (const node of nodes) if (!index.has(node)) connect(node)
  return groups
}

/**
 * The elementary cycles inside one group: each listed once, starting from its smallest file, by
 * walking only through files that sort after the start.
 */
function cyclesIn(group: string[], next: Map<string, string[]>): string[][] {
  const members = new Set(group)
  const cycles: string[][] = []
  for (const [i, start] of group.entries()) {
    const allowed = new Set(group.slice(i))
    const path = [start]
    const onPath = new Set(path)
    const walk = (node: string): void => {
      for (const to of next.get(node) ?? []) {
        if (cycles.length >= CYCLES_PER_GROUP_MAX) return
        if (to === start) cycles.push([...path, start])
        else if (members.has(to) && allowed.has(to) && !onPath.has(to)) {
          path.push(to)
          onPath.add(to)
          walk(to)
          onPath.delete(to)
          path.pop()
        }
      }
    }
    walk(start)
  }
  return cycles
}

/** Every import cycle through runtime imports; type-only imports are erased and cannot close one. */
export function findCycles(graph: ImportGraph): string[][] {
  const next = new Map<string, string[]>()
  for (const edge of graph.edges) {
    if (edge.typeOnly) continue
    const targets = next.get(edge.from) ?? []
    if (!targets.includes(edge.to)) targets.push(edge.to)
    next.set(edge.from, targets)
  }
  for (const targets of next.values()) targets.sort()
  return tangledGroups(graph.files, next).flatMap((group) => cyclesIn(group, next))
}

/** The lab whose folders hold `file`, or undefined for shared code. */
export function labOf(file: string, labs: readonly string[]): string | undefined {
  return labs.find((lab) => labFolders(lab).some((folder) => file.startsWith(folder)))
}

/**
 * Imports from one lab's folders into another's. Type-only imports count here: a type borrowed
 * from another lab couples the two just as much, and ESLint's rule forbids them too.
 */
export function findCrossLabImports(graph: ImportGraph, labs: readonly string[]): CrossLabImport[] {
  return graph.edges.flatMap(({ from, to, specifier }) => {
    const fromLab = labOf(from, labs)
    const toLab = labOf(to, labs)
    return fromLab !== undefined && toLab !== undefined && fromLab !== toLab
      ? [{ from, fromLab, to, toLab, specifier }]
      : []
  })
}

/** Both rules over the tree at `root`; labs default to those of its contract folder. */
export function checkImports(root: string, labs: readonly string[] = labsIn(root)): ImportReport {
  const graph = buildImportGraph(root)
  return { labs: [...labs], cycles: findCycles(graph), crossLab: findCrossLabImports(graph, labs) }
}

/** One line per finding, for a test failure a person can act on. */
export function describeReport(report: ImportReport): string[] {
  return [
    ...report.cycles.map((cycle) => `cycle: ${cycle.join(' -> ')}`),
    ...report.crossLab.map(
      (edge) =>
        `cross-lab: ${edge.from} (${edge.fromLab}) imports '${edge.specifier}' = ${edge.to} (${edge.toLab})`
    )
  ]
}
