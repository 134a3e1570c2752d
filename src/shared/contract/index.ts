export * from './commands'
export * from './errors'
export * from './ipc'
export * from './lab-contract'
export * from './labs'
export * from './snapshot'
export * from './trace'
export * from './validate'
export * from './wire'
// TODO(issue-7): lab code imports its contract from '@shared/contract/labs/<lab>'; these two
// re-exports go once every importer does.
export * from './labs/channels'
export * from './labs/dispatch'
