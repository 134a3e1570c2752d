import { useState, type ReactNode } from 'react'
import {
  CACHE_STRATEGIES,
  CacheCommandType,
  KEY_DISTRIBUTIONS,
  type CacheSettingsInput,
  type CacheStrategy,
  type KeyDistribution
} from '@shared/contract/labs/cache'
import { Choice, NumberField } from '../../components/fields'
import { useCommand } from '../../lib/use-command'
import { RunActions } from './RunActions'

/** Every field of the form; `persistence` keeps the contract's third state ("leave as is"). */
export interface CacheForm {
  strategy: CacheStrategy
  ops: number
  keys: number
  clients: number
  readRatio: number
  ratePerSec: number
  keyDistribution: KeyDistribution
  seed: number
  ttlMs: number
  asideWrite: 'delete' | 'update'
  dbLatencyMs: number
  flushEveryMs: number
  behindDelayMs: number
  behindBatch: number
  secondWriterP: number
  persistence: 'as-is' | 'on' | 'off'
  crashCacheAtOp: number
  dbDownAtOp: number
  dbDownMs: number
}

// The contract's defaults (CacheSettingsSchema), so that a plain Start runs what the CLI runs.
const INITIAL: CacheForm = {
  strategy: 'cache-aside',
  ops: 2_000,
  keys: 100,
  clients: 4,
  readRatio: 0.8,
  ratePerSec: 0,
  keyDistribution: 'uniform',
  seed: 1,
  ttlMs: 5_000,
  asideWrite: 'delete',
  dbLatencyMs: 5,
  flushEveryMs: 0,
  behindDelayMs: 200,
  behindBatch: 50,
  secondWriterP: 0,
  persistence: 'as-is',
  crashCacheAtOp: 0,
  dbDownAtOp: 0,
  dbDownMs: 1_000
}

/** The form's fields as the contract's settings (the engine validates them again). */
export function toCacheSettings(form: CacheForm): CacheSettingsInput {
  const { persistence, ...rest } = form
  return persistence === 'as-is' ? rest : { ...rest, persistence: persistence === 'on' }
}

/**
 * Every setting of a run in a compact block: the workload always shows, the strategy's knobs and
 * the faults at start fold away so that the live view fits one screen. Disabled while a run is live.
 */
export function SettingsForm(props: { running: boolean; canFlush: boolean }): ReactNode {
  const [form, setForm] = useState<CacheForm>(INITIAL)
  const { run, busy, error } = useCommand()
  const set =
    <K extends keyof CacheForm>(key: K) =>
    (value: CacheForm[K]) =>
      setForm((f) => ({ ...f, [key]: value }))
  const disabled = props.running || busy
  return (
    <form
      className="settings cache-settings"
      onSubmit={(e) => {
        e.preventDefault()
        void run({ type: CacheCommandType.Start, settings: toCacheSettings(form) })
      }}
    >
      <fieldset disabled={disabled}>
        <legend>Run</legend>
        <Choice
          label="Strategy"
          value={form.strategy}
          options={CACHE_STRATEGIES}
          onChange={set('strategy')}
          testId="cache-strategy"
        />
        <NumberField
          label="Operations"
          value={form.ops}
          onChange={set('ops')}
          min={1}
          testId="cache-ops"
        />
        <NumberField
          label="Keys"
          value={form.keys}
          onChange={set('keys')}
          min={1}
          testId="cache-keys"
        />
        <NumberField
          label="Clients"
          value={form.clients}
          onChange={set('clients')}
          min={1}
          max={64}
          testId="cache-clients"
        />
        <NumberField
          label="Read ratio"
          value={form.readRatio}
          onChange={set('readRatio')}
          max={1}
          step={0.05}
          testId="cache-read-ratio"
        />
        <NumberField
          label="Rate /s (0 = max)"
          value={form.ratePerSec}
          onChange={set('ratePerSec')}
          testId="cache-rate"
        />
        <Choice
          label="Key choice"
          value={form.keyDistribution}
          options={KEY_DISTRIBUTIONS}
          onChange={set('keyDistribution')}
          testId="cache-distribution"
          hint="uniform: every key alike; zipf: a few hot keys"
        />
        <NumberField label="Seed" value={form.seed} onChange={set('seed')} testId="cache-seed" />
      </fieldset>
      <details className="cache-more">
        <summary>Strategy, database and faults at start</summary>
        <fieldset disabled={disabled}>
          <NumberField
            label="TTL ms (0 = none)"
            value={form.ttlMs}
            onChange={set('ttlMs')}
            testId="cache-ttl-ms"
            hint="Cache-aside: how long a filled entry lives"
          />
          <Choice
            label="Cache-aside write"
            value={form.asideWrite}
            options={['delete', 'update'] as const}
            onChange={set('asideWrite')}
            testId="cache-aside-write"
          />
          <NumberField
            label="DB latency ms"
            value={form.dbLatencyMs}
            onChange={set('dbLatencyMs')}
            testId="cache-db-latency-ms"
            hint="Added to every database statement, like a network round trip"
          />
          <NumberField
            label="Flush every ms"
            value={form.flushEveryMs}
            onChange={set('flushEveryMs')}
            testId="cache-flush-every-ms"
            hint="Write-back: 0 = only on eviction or an explicit flush"
          />
          <NumberField
            label="Behind delay ms"
            value={form.behindDelayMs}
            onChange={set('behindDelayMs')}
            testId="cache-behind-delay-ms"
          />
          <NumberField
            label="Behind batch"
            value={form.behindBatch}
            onChange={set('behindBatch')}
            min={1}
            testId="cache-behind-batch"
          />
          <NumberField
            label="Second writer p"
            value={form.secondWriterP}
            onChange={set('secondWriterP')}
            max={1}
            step={0.01}
            testId="cache-second-writer-p"
          />
          <Choice
            label="Redis AOF"
            value={form.persistence}
            options={['as-is', 'on', 'off'] as const}
            onChange={set('persistence')}
            testId="cache-persistence"
            hint="on: appendfsync always for the run, so a queued write survives a crash"
          />
          <NumberField
            label="Crash cache at op"
            value={form.crashCacheAtOp}
            onChange={set('crashCacheAtOp')}
            testId="cache-crash-cache-at"
          />
          <NumberField
            label="DB down at op"
            value={form.dbDownAtOp}
            onChange={set('dbDownAtOp')}
            testId="cache-db-down-at"
          />
          <NumberField
            label="… for ms"
            value={form.dbDownMs}
            onChange={set('dbDownMs')}
            testId="cache-db-down-ms"
          />
        </fieldset>
      </details>
      <div className="actions">
        <button
          className="btn btn-primary"
          type="submit"
          disabled={disabled}
          data-testid="cache-start"
        >
          {busy ? 'Starting…' : 'Start run'}
        </button>
        <RunActions running={props.running} canFlush={props.canFlush} />
      </div>
      {error ? (
        <p className="inline-error" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  )
}
