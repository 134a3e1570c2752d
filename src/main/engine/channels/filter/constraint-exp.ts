import type { EventType } from '../event'

/** CosNotifyFilter::ConstraintExp: which event types, and the ETCL expression. */
export interface ConstraintExp {
  /** Types the constraint applies to; empty means all types (§2.7). */
  event_types: EventType[]
  /** ETCL text; empty means TRUE. */
  constraint_expr: string
}

/** CosNotifyFilter::ConstraintInfo. */
export interface ConstraintInfo {
  constraint_expression: ConstraintExp
  /** Unique within its filter and never reused. */
  constraint_id: number
}
