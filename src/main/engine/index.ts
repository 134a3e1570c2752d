export { createEngine, type Engine, type EngineConfig, type FrameSubscription } from './engine'
