import type { z } from 'zod'

/**
 * A lab's half of the contract (docs/ARCHITECTURE.md): its id, the schema of its commands (every
 * type is `<id>:<verb>`), the schema of each command's reply, and — as a type only — the view it
 * puts in `snapshot.labs[<id>]`. One per folder under `src/shared/contract/labs/`, listed once in
 * `labs/index.ts`; the doors validate commands with `commands`, the renderer's transport validates
 * replies with `results`.
 */
export interface LabContract<
  Id extends string = string,
  Info = unknown,
  Commands extends z.ZodType<{ type: string }> = z.ZodType<{ type: string }>
> {
  readonly id: Id
  /** A discriminated union on `type`; every member's type starts with `<id>:`. */
  readonly commands: Commands
  /** The reply of every command type, as the engine sends it (`null` when there is nothing). */
  readonly results: { readonly [T in z.output<Commands>['type']]: z.ZodType }
  /**
   * What an exported lesson run of this lab keeps beside its report (its diagram's events), when
   * the lab has one: a re-opened export is checked with it.
   */
  readonly recording?: z.ZodType
  /** Carries the Info type for the snapshot; never set at run time. */
  readonly info?: Info
}

/**
 * Declares a lab contract with its Info type: `defineLabContract<DispatchInfo>()({ id, … })`.
 * Curried so that Id and Commands are inferred while Info is given.
 */
export function defineLabContract<Info>(): <
  const Id extends string,
  Commands extends z.ZodType<{ type: string }>
>(contract: {
  id: Id
  commands: Commands
  results: { readonly [T in z.output<Commands>['type']]: z.ZodType }
  recording?: z.ZodType
}) => LabContract<Id, Info, Commands> {
  return (contract) => contract
}
