import type { ReactNode } from 'react'
import type { ComingLab } from './coming-labs'

/** A lab that is not built yet says so; it never shows made-up data. */
export function ComingPanel(props: { lab: ComingLab }): ReactNode {
  return (
    <section className="panel coming" data-testid={`lab-${props.lab.id}`}>
      <h1>{props.lab.title}</h1>
      <p className="lead">{props.lab.about}</p>
      <p className="muted">This lab is coming in a later version of Flowlab.</p>
    </section>
  )
}
