import { ipcMain, type IpcMainEvent, type IpcMainInvokeEvent, type WebContents } from 'electron'
import { ErrorCode, IpcChannel, type Result } from '@shared/contract'
import type { Engine, FrameSubscription } from '../engine'

/**
 * The desktop door: IPC handlers that forward to the engine. Every message is checked to come from
 * the app's own window and page (not a navigated-away page or another frame); commands are
 * validated by the engine's `execute`, exactly as the WebSocket door does.
 */
export function installIpcBridge(
  engine: Engine,
  isTrusted: (contents: WebContents, frameUrl: string) => boolean
): () => void {
  const subscriptions = new Map<number, FrameSubscription>()
  const denied: Result<never> = {
    ok: false,
    error: { code: ErrorCode.InvalidMessage, message: 'IPC from an untrusted sender was refused' }
  }
  const trusted = (event: IpcMainEvent | IpcMainInvokeEvent): boolean =>
    isTrusted(event.sender, event.senderFrame?.url ?? '')

  ipcMain.handle(IpcChannel.Call, (event, command: unknown) =>
    trusted(event) ? engine.execute(command) : denied
  )
  ipcMain.on(IpcChannel.Subscribe, (event) => {
    if (!trusted(event)) return
    const contents = event.sender
    subscriptions.get(contents.id)?.close()
    const subscription = engine.subscribe((frame) => {
      if (!contents.isDestroyed()) contents.send(IpcChannel.Frame, frame)
    })
    subscriptions.set(contents.id, subscription)
    contents.once('destroyed', () => {
      subscription.close()
      subscriptions.delete(contents.id)
    })
  })
  ipcMain.on(IpcChannel.Unsubscribe, (event) => {
    subscriptions.get(event.sender.id)?.close()
    subscriptions.delete(event.sender.id)
  })
  ipcMain.on(IpcChannel.Ack, (event, seq: unknown) => {
    if (trusted(event) && typeof seq === 'number') subscriptions.get(event.sender.id)?.ack(seq)
  })

  return () => {
    ipcMain.removeHandler(IpcChannel.Call)
    for (const channel of [IpcChannel.Subscribe, IpcChannel.Unsubscribe, IpcChannel.Ack]) {
      ipcMain.removeAllListeners(channel)
    }
    for (const subscription of subscriptions.values()) subscription.close()
    subscriptions.clear()
  }
}
