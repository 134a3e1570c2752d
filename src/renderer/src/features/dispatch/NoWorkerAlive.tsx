import type { ReactNode } from 'react'
import { DispatchCommandType, type DispatchWorkerInfo } from '@shared/contract/labs/dispatch'
import { useCommand } from '../../lib/use-command'

const DOWN = new Set(['crashed', 'stopped'])

/**
 * Said where the student is looking when a live run has no worker left (all crashed or stopped,
 * none restarting): nothing can be delivered until one is back, and one button brings them back.
 */
export function NoWorkerAlive(props: {
  workers: DispatchWorkerInfo[]
  unsettled: number
}): ReactNode {
  const { run, busy, error } = useCommand()
  const { workers, unsettled } = props
  if (workers.length === 0 || unsettled === 0 || workers.some((w) => !DOWN.has(w.state))) {
    return null
  }
  const restartAll = async (): Promise<void> => {
    for (const w of workers) {
      await run({ type: DispatchCommandType.Worker, worker: { action: 'restart', workerId: w.id } })
    }
  }
  return (
    <div className="inline-alert alert-bad" role="alert" data-testid="no-worker-alive">
      <strong>No worker alive.</strong> All {workers.length} workers crashed or stopped and none
      restarts, so {unsettled} epochs wait.
      <button
        className="btn btn-primary"
        type="button"
        disabled={busy}
        onClick={() => void restartAll()}
        data-testid="restart-workers"
      >
        Restart workers
      </button>
      {error ? <span className="inline-error small">{error}</span> : null}
    </div>
  )
}
