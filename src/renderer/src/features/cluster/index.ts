import type { LabFeature } from '../registry'
import { ClusterPanel } from './ClusterPanel'

/** The Cluster lab as the app shell lists it. */
export const cluster: LabFeature = {
  id: 'cluster',
  title: 'Cluster',
  about:
    "Kafka's brokers, partitions, leaders and replicas on a real Redis Cluster: kill a partition's leader, watch a replica take over, and see whether acknowledged messages survive with acks=1 and acks=all.",
  Panel: ClusterPanel
}
