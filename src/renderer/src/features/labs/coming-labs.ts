/** A lab that is planned but not built: the shell shows a placeholder for it, never made-up data. */
export interface ComingLab {
  id: string
  title: string
  /** One line on what the lab will teach. */
  about: string
}

/**
 * The planned labs, in nav order after the built ones. The shell shows only those whose id the
 * lab registry does not have, so an entry stops showing the day its lab is registered (and can
 * then be deleted here).
 */
export const COMING_LABS: readonly ComingLab[] = []
