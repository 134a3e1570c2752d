export * from './format'
export * from './outcome'
