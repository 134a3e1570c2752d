import { CommandError, ErrorCode } from '@shared/contract'
import type { ClusterFaultAction } from '@shared/contract/labs/cluster'
import type { ClusterBook } from './book'
import { shortId } from './cluster-info'
import type { ClusterHost, ClusterNode } from './host/cluster-host'
import type { PartitionPlan } from './topic'

/** What a fault needs of the lab: the host, the book, and how to name nodes and partitions. */
export interface FaultContext {
  host: ClusterHost
  book: ClusterBook
  now(): number
  /** The node a (prefix of an) id names; throws a CommandError naming `fault.node`. */
  node(prefix: string): ClusterNode
  /** The leader of a partition of the live run; throws a CommandError naming `fault.partition`. */
  leaderOf(partition: number): string
  followersOf(leader: string): string[]
  leads(id: string): number[]
  plan(partition: number): PartitionPlan | undefined
  /** Applies another fault as a button would (kill-leader is a kill-broker of the leader). */
  again(action: ClusterFaultAction): Promise<void>
}

/**
 * One fault of the Cluster lab, recorded in the book so that the checker can name it as the
 * cause of what it finds. The caller has checked that the cluster is up and, for the faults that
 * need processes, managed.
 */
export async function applyFault(action: ClusterFaultAction, ctx: FaultContext): Promise<void> {
  const { host, now } = ctx
  switch (action.kind) {
    case 'kill-broker': {
      const node = ctx.node(action.node)
      const leads = ctx.leads(node.id)
      await host.kill(node.id)
      ctx.book.fault(
        'killed',
        node.id,
        now(),
        `killed ${shortId(node.id)}${leadsText(leads)}`,
        leads
      )
      break
    }
    case 'kill-leader': {
      const leader = ctx.leaderOf(action.partition)
      const followers = action.followerLagMs > 0 ? ctx.followersOf(leader) : []
      for (const f of followers) {
        await host.pause(f)
        ctx.book.event(
          'paused',
          f,
          now(),
          `paused follower ${shortId(f)} for ${action.followerLagMs} ms: it falls behind its leader`
        )
      }
      if (followers.length) {
        // A stopped replica would still find the leader's last writes in its socket buffer
        // when it wakes; dropping its link now leaves them in the leader's backlog only.
        await host
          .nodeClient(leader)
          .call('CLIENT', 'KILL', 'TYPE', 'replica')
          .catch(() => undefined)
        await delay(action.followerLagMs)
      }
      try {
        await ctx.again({ kind: 'kill-broker', node: leader })
      } finally {
        for (const f of followers) {
          await host.resume(f).catch(() => undefined)
          ctx.book.event('resumed', f, now(), `resumed follower ${shortId(f)}`)
        }
      }
      break
    }
    case 'pause-broker': {
      const node = ctx.node(action.node)
      const leads = ctx.leads(node.id)
      await host.pause(node.id)
      ctx.book.fault(
        'paused',
        node.id,
        now(),
        `paused ${shortId(node.id)}${leadsText(leads)}`,
        leads
      )
      if (action.ms > 0) {
        setTimeout(
          () => void ctx.again({ kind: 'resume-broker', node: node.id }).catch(() => undefined),
          action.ms
        )
      }
      break
    }
    case 'resume-broker': {
      const node = ctx.node(action.node)
      await host.resume(node.id)
      ctx.book.event('resumed', node.id, now(), `resumed ${shortId(node.id)}`)
      break
    }
    case 'restart-broker': {
      const node = ctx.node(action.node)
      await host.restart(node.id)
      ctx.book.event('restarted', node.id, now(), `restarted ${shortId(node.id)}`)
      break
    }
    case 'failover': {
      const node = ctx.node(action.node)
      if (node.role !== 'replica' || !node.primaryId) {
        throw new CommandError(
          ErrorCode.InvalidCommand,
          `${shortId(node.id)} is not a replica; a failover is asked of a replica`,
          { field: 'fault.node' }
        )
      }
      ctx.book.fault(
        'failover',
        node.primaryId,
        now(),
        `manual failover asked of ${shortId(node.id)}`
      )
      await host.failover(node.id)
      break
    }
    case 'add-broker': {
      const node = await host.addNode()
      ctx.book.event(
        'added',
        node.id,
        now(),
        `added broker ${shortId(node.id)} on port ${node.port}`
      )
      break
    }
    case 'move-partition': {
      const plan = ctx.plan(action.partition)
      if (!plan)
        throw new CommandError(
          ErrorCode.InvalidCommand,
          `there is no partition ${action.partition} (start a run first)`,
          { field: 'fault.partition' }
        )
      const target = ctx.node(action.node)
      if (target.role !== 'primary')
        throw new CommandError(ErrorCode.InvalidCommand, `${shortId(target.id)} is not a primary`, {
          field: 'fault.node'
        })
      const from = ctx.leaderOf(action.partition)
      await host.moveSlots(plan.slot, plan.slot, target.id)
      ctx.book.fault(
        'moved',
        from,
        now(),
        `moved partition ${action.partition} from ${shortId(from)} to ${shortId(target.id)}`,
        [action.partition]
      )
      break
    }
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

function leadsText(leads: number[]): string {
  return leads.length
    ? ` (leader of partition${leads.length > 1 ? 's' : ''} ${leads.join(', ')})`
    : ''
}
