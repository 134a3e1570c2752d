import type { JsonValue } from '../event'
import { Filter, type FilterOptions } from './filter'
import { FilterError, FilterErrorCode } from './filter-error'
import { MappingFilter } from './mapping-filter'

/**
 * Grammar names create_filter accepts: the standard `EXTENDED_TCL` and TAO's aliases (§4.1).
 * Matching is exact and case-sensitive, as in TAO.
 */
export const SUPPORTED_GRAMMARS: readonly string[] = ['EXTENDED_TCL', 'ETCL', 'TCL']

/**
 * CosNotifyFilter::FilterFactory (a channel's default_filter_factory). Filters and mapping
 * filters share one id sequence, so an id names one filter object per factory.
 */
export class FilterFactory {
  readonly #options: FilterOptions
  #nextId = 1

  /** @param options - passed to every filter created (clock for `$curtime`) */
  constructor(options: FilterOptions = {}) {
    this.#options = options
  }

  /**
   * @param grammar - `EXTENDED_TCL`, `ETCL` or `TCL`
   * @throws FilterError InvalidGrammar for any other name
   */
  createFilter(grammar: string): Filter {
    return new Filter(this.#nextId++, FilterFactory.#grammar(grammar), this.#options)
  }

  /**
   * @param grammar - `EXTENDED_TCL`, `ETCL` or `TCL`
   * @param defaultValue - returned when no constraint matches; its type is the value type
   * @throws FilterError InvalidGrammar for any other name
   */
  createMappingFilter(grammar: string, defaultValue: JsonValue): MappingFilter {
    return new MappingFilter(
      this.#nextId++,
      FilterFactory.#grammar(grammar),
      defaultValue,
      this.#options
    )
  }

  static #grammar(grammar: string): string {
    if (!SUPPORTED_GRAMMARS.includes(grammar)) {
      throw new FilterError(
        FilterErrorCode.InvalidGrammar,
        `unsupported constraint grammar '${grammar}' (supported: ${SUPPORTED_GRAMMARS.join(', ')})`,
        { grammar }
      )
    }
    return grammar
  }
}
