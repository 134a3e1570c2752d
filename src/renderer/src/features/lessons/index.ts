import type { ComponentType } from 'react'
import { CompareView } from './CompareView'
import { LessonsView } from './LessonsView'

/** A view of the console that is not a lab (its nav entry sits next to the labs'). */
export interface ViewFeature {
  id: string
  title: string
  Panel: ComponentType
}

/** The lessons (scenario files served by the engine) and the side-by-side Compare view. */
export const LESSON_VIEWS: readonly ViewFeature[] = [
  { id: 'lessons', title: 'Lessons', Panel: LessonsView },
  { id: 'compare', title: 'Compare', Panel: CompareView }
]
