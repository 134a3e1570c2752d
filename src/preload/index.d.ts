import type { FlowlabApi } from '../shared/contract/ipc'

declare global {
  interface Window {
    /** Present in the desktop window (the preload's bridge); absent in the browser console. */
    flowlab?: FlowlabApi
  }
}
