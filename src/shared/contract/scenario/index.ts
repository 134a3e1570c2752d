export * from './commands'
export * from './format'
export * from './outcome'
export * from './export'
