/**
 * How the bridge contract travels, for both ends of both transports. Pure: no electron, no Node.
 *
 * Electron: one `ipcMain.handle` channel for calls, one `webContents.send` channel for events.
 * Browser host: JSON frames over a WebSocket at `/bridge`, opened with two subprotocols — the
 * protocol version and the per-launch secret (a header, so the secret never sits in a URL or log).
 */
import type { EventName, Result } from './index';

export const IPC_CALL_CHANNEL = 'relay:call';
export const IPC_EVENT_CHANNEL = 'relay:event';

export const WS_PATH = '/bridge';
export const WS_PROTOCOL = 'relay-bridge.v1';
export const WS_SECRET_PREFIX = 'relay-secret.';
/** The `<meta name>` through which the browser host hands the per-launch secret to its page. */
export const SECRET_META_NAME = 'relay-bridge';
/** Calls and events are small (message content is at most 2000 characters). */
export const WS_MAX_FRAME_BYTES = 512 * 1024;

export type CallFrame = { t: 'call'; id: number; name: string; input?: unknown };
export type ResultFrame = { t: 'result'; id: number | null; result: Result<unknown> };
export type EventFrame = { t: 'event'; event: EventName; payload: unknown };
export type HostFrame = ResultFrame | EventFrame;

/** A frame from the page, checked by hand: it is the first thing an untrusted socket can send. */
export function parseCallFrame(data: string): CallFrame | { t: 'invalid'; id: number | null } {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return { t: 'invalid', id: null };
  }
  if (typeof value !== 'object' || value === null) return { t: 'invalid', id: null };
  const frame = value as Record<string, unknown>;
  const id = Number.isSafeInteger(frame.id) ? (frame.id as number) : null;
  if (frame.t !== 'call' || id === null || typeof frame.name !== 'string') return { t: 'invalid', id };
  return { t: 'call', id, name: frame.name, input: frame.input };
}
