import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import type { Result } from '@shared/contract/errors'
import { IpcChannel, type FlowlabApi } from '@shared/contract/ipc'
import type { Frame } from '@shared/contract/snapshot'

/**
 * Exposes exactly the contract's API as `window.flowlab`: functions only, never ipcRenderer.
 * `subscribe` returns its own unsubscribe, because the context bridge wraps callbacks and removal
 * by reference cannot work across it.
 */
const api: FlowlabApi = {
  call: (command: unknown) =>
    ipcRenderer.invoke(IpcChannel.Call, command) as Promise<Result<unknown>>,
  subscribe: (listener: (frame: Frame) => void) => {
    const handler = (_event: IpcRendererEvent, frame: Frame): void => listener(frame)
    ipcRenderer.on(IpcChannel.Frame, handler)
    ipcRenderer.send(IpcChannel.Subscribe)
    return () => {
      ipcRenderer.removeListener(IpcChannel.Frame, handler)
      ipcRenderer.send(IpcChannel.Unsubscribe)
    }
  },
  ack: (seq: number) => ipcRenderer.send(IpcChannel.Ack, seq)
}

contextBridge.exposeInMainWorld('flowlab', api)
