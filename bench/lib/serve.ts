/** The child side of the IPC protocol in proc.ts: one handler per command, one reply per request. */
import type { ChildEvent, Reply, Request } from './proc';

export type Handlers = Record<string, (args: never) => unknown>;

export function serve(handlers: Handlers): void {
  if (!process.send) throw new Error('this script runs as a child of bench/run.ts (no IPC channel)');
  process.on('message', async (message: Request) => {
    const handler = handlers[message.cmd];
    let reply: Reply;
    try {
      if (!handler) throw new Error(`unknown command ${message.cmd}`);
      reply = { id: message.id, ok: true, result: await handler(message.args as never) };
    } catch (error) {
      reply = {
        id: message.id,
        ok: false,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      };
    }
    process.send!(reply);
  });
  // The runner going away (even by SIGKILL) closes the channel: never outlive it.
  process.on('disconnect', () => process.exit(0));
}

/** A full garbage collection, where node runs with --expose-gc (the runner starts subjects so). */
export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

export function emitEvent(event: ChildEvent): void {
  process.send?.(event);
}
