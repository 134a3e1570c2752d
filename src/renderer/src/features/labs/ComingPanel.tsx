import type { ReactNode } from 'react'

const ABOUT: Record<string, string> = {
  dispatch:
    'A dispatcher sends work over ZeroMQ to worker processes; you inject faults and watch at-most-once, at-least-once and exactly-once hold or break.',
  channels:
    'Event channels after the CORBA Event and Notification Services: push and pull proxies, federation, filters and QoS.',
  cache:
    'Redis in front of a database: cache-aside with TTL, write-through, write-back and write-behind.',
  cluster: 'Partitions, leaders and replicas on a real Redis Cluster, with leader failover.'
}

/** A lab that is not built yet says so; it never shows made-up data. */
export function ComingPanel(props: { lab: string; title: string }): ReactNode {
  return (
    <section className="panel coming" data-testid={`lab-${props.lab}`}>
      <h1>{props.title}</h1>
      <p className="lead">{ABOUT[props.lab]}</p>
      <p className="muted">This lab is coming in a later version of Flowlab.</p>
    </section>
  )
}
