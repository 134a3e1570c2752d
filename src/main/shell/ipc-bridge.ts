import { ipcMain, type IpcMainEvent, type IpcMainInvokeEvent, type WebContents } from 'electron'
import { ErrorCode, guardInput, IpcChannel, type Frame, type Result } from '@shared/contract'
import type { Engine, FrameSubscription } from '../engine'

/**
 * The desktop door: IPC handlers that forward to the engine. Every message is checked to come from
 * the app's own window and page (not a navigated-away page or another frame); commands are held
 * to the door limits (`guardInput`) before anything parses them and then validated by the engine's
 * `execute`, exactly as the WebSocket door does. No handler lets an exception escape into Electron:
 * a failure is counted by the engine and answered with an `internal` error.
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

  /** Runs a send-channel listener; what it throws is counted, never thrown into Electron. */
  const guarded =
    <A extends unknown[]>(where: string, fn: (...args: A) => void) =>
    (...args: A): void => {
      try {
        fn(...args)
      } catch (err) {
        engine.recordInternalError(where, err)
      }
    }

  ipcMain.handle(IpcChannel.Call, async (event, command: unknown): Promise<Result<unknown>> => {
    try {
      if (!trusted(event)) return denied
      const refused = guardInput(command)
      if (refused) {
        engine.recordRejection('ipc', refused.error)
        return refused
      }
      return await engine.execute(command)
    } catch (err) {
      return { ok: false, error: engine.recordInternalError('ipc', err) }
    }
  })
  ipcMain.on(
    IpcChannel.Subscribe,
    guarded('ipc subscribe', (event: IpcMainEvent) => {
      if (!trusted(event)) return
      const contents = event.sender
      subscriptions.get(contents.id)?.close()
      const subscription = engine.subscribe(
        guarded('ipc frame', (frame: Frame) => {
          if (!contents.isDestroyed()) contents.send(IpcChannel.Frame, frame)
        })
      )
      subscriptions.set(contents.id, subscription)
      contents.once('destroyed', () => {
        subscription.close()
        subscriptions.delete(contents.id)
      })
    })
  )
  ipcMain.on(
    IpcChannel.Unsubscribe,
    guarded('ipc unsubscribe', (event: IpcMainEvent) => {
      subscriptions.get(event.sender.id)?.close()
      subscriptions.delete(event.sender.id)
    })
  )
  ipcMain.on(
    IpcChannel.Ack,
    guarded('ipc ack', (event: IpcMainEvent, seq: unknown) => {
      if (trusted(event) && typeof seq === 'number') subscriptions.get(event.sender.id)?.ack(seq)
    })
  )

  return () => {
    ipcMain.removeHandler(IpcChannel.Call)
    for (const channel of [IpcChannel.Subscribe, IpcChannel.Unsubscribe, IpcChannel.Ack]) {
      ipcMain.removeAllListeners(channel)
    }
    for (const subscription of subscriptions.values()) subscription.close()
    subscriptions.clear()
  }
}
