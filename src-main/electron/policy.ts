/**
 * The shell's security decisions as plain functions (no electron import), so each is unit-tested:
 * which URLs are the app, which may be handed to the OS browser, and which IPC senders are ours.
 */
import { APP_HOST, APP_SCHEME } from './identity';

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** A page of the app itself (`app://relay/...`). Compared by parts: `URL.origin` is "null" for custom schemes. */
export function isAppUrl(url: string): boolean {
  const parsed = parse(url);
  return parsed !== null && parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
}

/** Only http(s) links go to the OS: never file:, javascript:, smb:, custom handlers and the like. */
export function isSafeExternalUrl(url: string): boolean {
  const parsed = parse(url);
  return (
    parsed !== null &&
    (parsed.protocol === 'https:' || parsed.protocol === 'http:') &&
    parsed.hostname !== '' &&
    parsed.username === '' &&
    parsed.password === ''
  );
}

/** The minimal shape of Electron's WebFrameMain that the sender check needs. */
export type SenderFrame = { url: string; parent: unknown } | null | undefined;

/** IPC is accepted only from the main frame of our own page: not a subframe, not another origin. */
export function isTrustedSenderFrame(frame: SenderFrame): boolean {
  return frame != null && frame.parent === null && isAppUrl(frame.url);
}
