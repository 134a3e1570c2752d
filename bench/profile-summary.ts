/**
 * Summarises the V8 CPU profiles in a folder (`node --cpu-prof`): self time per function, as a
 * share of the busy (non-idle) time, for the engine (the largest profile) and for the workers
 * (the rest) apart. Module loading at start-up (tsx, the ESM loader) is left out: it is not
 * per-message cost. Usage: tsx bench/profile-summary.ts DIR [TOP].
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'

interface Profile {
  nodes: { id: number; callFrame: { functionName: string; url: string } }[]
  samples: number[]
  timeDeltas: number[]
}

const STARTUP =
  /node:internal\/modules|\/tsx\/|esm\/hooks|cjs-module-lexer|node:internal\/bootstrap/

function selfTimes(files: string[]): { rows: [string, number][]; busyMs: number } {
  const self = new Map<string, number>()
  let busy = 0
  for (const file of files) {
    const p = JSON.parse(readFileSync(file, 'utf8')) as Profile
    const byNode = new Map<number, number>()
    p.samples.forEach((id, i) => byNode.set(id, (byNode.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)))
    for (const n of p.nodes) {
      const t = byNode.get(n.id) ?? 0
      const { functionName, url } = n.callFrame
      if (functionName === '(idle)' || STARTUP.test(url) || t === 0) continue
      busy += t
      const key = `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}`
      self.set(key, (self.get(key) ?? 0) + t)
    }
  }
  const rows = [...self.entries()].sort((a, b) => b[1] - a[1])
  return { rows, busyMs: busy / 1_000 }
}

function print(title: string, files: string[], top: number): void {
  const { rows, busyMs } = selfTimes(files)
  process.stdout.write(`\n${title} (${files.length} profile(s), ${busyMs.toFixed(0)} ms busy)\n`)
  for (const [key, t] of rows.slice(0, top)) {
    process.stdout.write(`${((t / 1_000 / busyMs) * 100).toFixed(1).padStart(6)}%  ${key}\n`)
  }
}

const dir = process.argv[2]
if (!dir) throw new Error('usage: profile-summary DIR [TOP]')
const top = Number(process.argv[3] ?? 15)
// Main-thread profiles only (a worker thread, such as tsx's loader, writes a second one per pid).
const files = readdirSync(dir)
  .filter((f) => /\.0\.\d+\.cpuprofile$/.test(f))
  .map((f) => join(dir, f))
  .sort((a, b) => statSync(b).size - statSync(a).size)
const engine = files.filter((f) => f.includes(`.${process.env.ENGINE_PID ?? ''}.`))
const engineFiles = engine.length > 0 ? engine : files.slice(0, 1)
print('engine', engineFiles, top)
print(
  'workers',
  files.filter((f) => !engineFiles.includes(f)),
  top
)
