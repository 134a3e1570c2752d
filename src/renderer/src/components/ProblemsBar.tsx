import type { ReactNode } from 'react'
import { useConsole } from '../store'

/** Lasting conditions from the engine (Redis missing, down…), each with what to do about it. */
export function ProblemsBar(): ReactNode {
  const problems = useConsole((s) => s.snapshot?.problems)
  if (!problems || problems.length === 0) return null
  return (
    <div className="problems" data-testid="problems">
      {problems.map((p) => (
        <div key={p.id} className={`problem problem-${p.severity}`} data-problem={p.id}>
          <strong>{p.message}</strong>
          {p.hint ? <span className="hint"> {p.hint}</span> : null}
        </div>
      ))}
    </div>
  )
}
