import { useEffect, useState } from 'react'
import { EngineError } from '@shared/contract'
import {
  ScenarioCommandType,
  type ScenarioInfo,
  type ScenarioListResult
} from '@shared/contract/scenario'
import { useConsole } from '../../store'
import { useTransport } from '../../transport-context'

/** The engine's lesson packs, fetched once per view (null while loading), or why not. */
export function useLessons(): { list: ScenarioListResult | null; error: string | null } {
  const transport = useTransport()
  const [list, setList] = useState<ScenarioListResult | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    let live = true
    transport.call<ScenarioListResult>({ type: ScenarioCommandType.List }).then(
      (value) => live && setList(value),
      (err: unknown) => live && setError(err instanceof EngineError ? err.message : String(err))
    )
    return () => {
      live = false
    }
  }, [transport])
  return { list, error }
}

/** The lesson run in the snapshot (undefined when the engine serves no lessons). */
export function useScenarioInfo(): ScenarioInfo | undefined {
  return useConsole((s) => s.snapshot?.scenario)
}
