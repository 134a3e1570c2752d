/**
 * The Extended Trader Constraint Language (digest §4.5): parse, check, evaluate and print filter
 * constraints. Pure: no I/O, no clocks except `$curtime` (injectable).
 */
export type * from './ast'
export { KEYWORDS, RESERVED_WORDS, SPECIAL_NAMES } from './ast'
export { CompiledConstraint, compileConstraint } from './compiled-constraint'
export { ConstraintSyntaxError } from './constraint-syntax-error'
export { ConstraintTypeError } from './constraint-type-error'
export {
  evaluateConstraint,
  type EvaluationFailure,
  type EvaluationOptions,
  type EvaluationOutcome
} from './evaluator'
export { MAX_PAREN_DEPTH, MAX_TREE_DEPTH, parseConstraint } from './parser'
export { printConstraint } from './printer'
export { checkConstraint } from './type-checker'
export {
  EXAMPLE_E1,
  EXAMPLE_E2,
  EXAMPLE_E3,
  REJECTED_EXAMPLES,
  WORKED_EXAMPLES
} from './example-events'
export { fromJson, type Value } from './values'
