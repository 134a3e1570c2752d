import type { ReactNode } from 'react'

/** A labelled number input (settings forms); its hint is the tooltip. */
export function NumberField(props: {
  label: string
  value: number
  onChange(v: number): void
  min?: number
  max?: number
  step?: number
  hint?: string
  testId?: string
}): ReactNode {
  return (
    <label className="field" title={props.hint}>
      <span>{props.label}</span>
      <input
        type="number"
        value={props.value}
        min={props.min ?? 0}
        max={props.max}
        step={props.step ?? 1}
        onChange={(e) => props.onChange(Number(e.target.value))}
        data-testid={props.testId}
      />
    </label>
  )
}

/** A labelled choice among a fixed list of strings (settings forms). */
export function Choice<T extends string>(props: {
  label: string
  value: T
  options: readonly T[]
  onChange(v: T): void
  testId?: string
  hint?: string
}): ReactNode {
  return (
    <label className="field" title={props.hint}>
      <span>{props.label}</span>
      <select
        value={props.value}
        onChange={(e) => props.onChange(e.target.value as T)}
        data-testid={props.testId}
      >
        {props.options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  )
}
