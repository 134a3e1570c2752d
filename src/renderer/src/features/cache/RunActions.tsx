import type { ReactNode } from 'react'
import { CacheCommandType } from '@shared/contract/labs/cache'
import { useCommand } from '../../lib/use-command'

/** Stop the workload early (the final flush and the check still run) and flush on demand. */
export function RunActions(props: { running: boolean; canFlush: boolean }): ReactNode {
  const { run, busy, error } = useCommand()
  return (
    <>
      <button
        className="btn"
        type="button"
        disabled={!props.running || busy}
        onClick={() => void run({ type: CacheCommandType.Stop })}
        data-testid="cache-stop"
      >
        Stop
      </button>
      <button
        className="btn"
        type="button"
        disabled={!props.running || !props.canFlush || busy}
        onClick={() => void run({ type: CacheCommandType.Flush })}
        data-testid="cache-flush"
        title="Write every dirty entry or queued write to the database now"
      >
        Flush now
      </button>
      {error ? <span className="inline-error small">{error}</span> : null}
    </>
  )
}
