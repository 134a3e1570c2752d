import { useCallback, useState } from 'react'
import { EngineError, type CommandInput } from '@shared/contract'
import { useConsole } from '../store'
import { useTransport } from '../transport-context'

/**
 * Runs a command with its state: `busy` while it runs, `error` (plain words) when it failed, which
 * the caller shows inline next to the control; a toast says it too.
 */
export function useCommand(): {
  run: (command: CommandInput) => Promise<boolean>
  busy: boolean
  error: string | null
} {
  const transport = useTransport()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const run = useCallback(
    async (command: CommandInput): Promise<boolean> => {
      setBusy(true)
      setError(null)
      try {
        await transport.call(command)
        return true
      } catch (err) {
        const message = err instanceof EngineError ? err.message : String(err)
        setError(message)
        useConsole.getState().toast('error', message)
        return false
      } finally {
        setBusy(false)
      }
    },
    [transport]
  )
  return { run, busy, error }
}
