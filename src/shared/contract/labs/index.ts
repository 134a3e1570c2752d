import type { z } from 'zod'
import { cacheContract } from './cache'
import { channelsContract } from './channels'
import { clusterContract } from './cluster'
import { dispatchContract } from './dispatch'

/**
 * The registry of lab contracts: adding a lab is one entry here (plus its folder). Everything
 * lab-shaped in the core contract — the command union, `snapshot.labs`, reply validation — is
 * derived from this map.
 */
export const LAB_CONTRACTS = {
  dispatch: dispatchContract,
  channels: channelsContract,
  cache: cacheContract,
  cluster: clusterContract
} as const

type Contracts = typeof LAB_CONTRACTS
/** The id of a lab the contract knows. */
export type LabId = keyof Contracts
/** Each lab's view in the snapshot, by lab id. */
export type LabInfos = { [K in LabId]: NonNullable<Contracts[K]['info']> }
/** A validated command of any lab. */
export type LabCommand = { [K in LabId]: z.output<Contracts[K]['commands']> }[LabId]
/** A lab command as a sender writes it (defaults may be left out). */
export type LabCommandInput = { [K in LabId]: z.input<Contracts[K]['commands']> }[LabId]
