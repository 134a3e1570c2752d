import { CommandError, ErrorCode } from '@shared/contract'
import type { ChannelsCommandOf, JsonValue } from '@shared/contract/labs/channels'
import type { Filter } from '../filter'
import { forgetIfUnused } from './filter-attachments'
import { markDirty, type LabState } from './lab-state'
import { channelOf, labFilterOf, metaOf, ownerOf } from './lookups'

// Filter commands. The lab keeps every filter it makes by FilterID (per channel), so a filter can be
// attached to several owners and is destroyed only when attached nowhere.

/** Creates a filter with its constraints and attaches it to the target. */
export function addFilter(
  state: LabState,
  command: ChannelsCommandOf<'channels:addFilter'>
): { filterId: number; attachmentId: number } {
  const owner = ownerOf(state, command.target)
  const channel = channelOf(state, command.target.channelId)
  const filter = channel.default_filter_factory.createFilter(command.grammar)
  try {
    filter.addConstraints(command.constraints)
  } catch (err) {
    filter.destroy()
    throw err
  }
  metaOf(state, channel.id).filters.set(filter.id, { filter, kind: 'filter' })
  const attachmentId = owner.add_filter(filter)
  markDirty(state, channel.id)
  return { filterId: filter.id, attachmentId }
}

/** Attaches an existing (non-mapping) filter to one more owner. */
export function attachFilter(
  state: LabState,
  command: ChannelsCommandOf<'channels:attachFilter'>
): { attachmentId: number } {
  const lab = labFilterOf(state, command.target.channelId, command.filterId)
  if (lab.kind !== 'filter') {
    throw new CommandError(ErrorCode.InvalidCommand, 'mapping filters are set, not attached')
  }
  const attachmentId = ownerOf(state, command.target).add_filter(lab.filter as Filter)
  markDirty(state, command.target.channelId)
  return { attachmentId }
}

export function modifyFilter(
  state: LabState,
  command: ChannelsCommandOf<'channels:modifyFilter'>
): unknown {
  const lab = labFilterOf(state, command.channelId, command.filterId)
  if (lab.kind !== 'filter') {
    throw new CommandError(
      ErrorCode.InvalidCommand,
      'use channels:setMappingFilter for mapping filters'
    )
  }
  const filter = lab.filter as Filter
  if (command.removeAll) filter.removeAllConstraints()
  if (command.remove.length > 0 || command.modify.length > 0) {
    filter.modifyConstraints(command.remove, command.modify)
  }
  const added = command.add.length > 0 ? filter.addConstraints(command.add) : []
  markDirty(state, command.channelId)
  return { added, constraints: filter.getAllConstraints() }
}

/** Detaches a filter; the filter itself goes when nothing else holds it. */
export function removeFilter(
  state: LabState,
  command: ChannelsCommandOf<'channels:removeFilter'>
): null {
  const owner = ownerOf(state, command.target)
  const filter = owner.get_filter(command.attachmentId)
  owner.remove_filter(command.attachmentId)
  forgetIfUnused(state, command.target.channelId, filter.id)
  markDirty(state, command.target.channelId)
  return null
}

/** Sets (or, with null constraints, clears) a consumer-side priority or lifetime mapping filter. */
export function setMappingFilter(
  state: LabState,
  command: ChannelsCommandOf<'channels:setMappingFilter'>
): { filterId: number | null } {
  const target = command.target
  if (target.side !== 'consumer') {
    throw new CommandError(
      ErrorCode.InvalidCommand,
      'mapping filters belong to consumer admins and proxy suppliers'
    )
  }
  const channel = channelOf(state, target.channelId)
  const holder: { priority_filter: unknown; lifetime_filter: unknown } =
    target.proxyId === undefined
      ? channel.get_consumeradmin(target.adminId)
      : (channel.get_consumeradmin(target.adminId).get_proxy_supplier(target.proxyId) as never)
  const attr = command.kind === 'priority' ? 'priority_filter' : 'lifetime_filter'
  const previous = holder[attr] as { id: number } | null
  let filterId: number | null = null
  if (command.constraints === null) {
    holder[attr] = null
  } else {
    const mapping = channel.default_filter_factory.createMappingFilter(
      'EXTENDED_TCL',
      command.defaultValue as JsonValue
    )
    try {
      mapping.addMappingConstraints(
        command.constraints.map((c) => ({
          constraint_expression: c.constraint,
          result_to_set: c.value as JsonValue
        }))
      )
    } catch (err) {
      mapping.destroy()
      throw err
    }
    metaOf(state, channel.id).filters.set(mapping.id, { filter: mapping, kind: command.kind })
    holder[attr] = mapping
    filterId = mapping.id
  }
  if (previous !== null) forgetIfUnused(state, channel.id, previous.id)
  markDirty(state, channel.id)
  return { filterId }
}
