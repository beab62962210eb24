/**
 * Deep links: `relay://channel/ID` and `relay://message/ID` open the app there. The OS hands them to
 * us three ways: macOS's `open-url`, and on Windows/Linux the command line of the first instance or
 * of a second one, which the single-instance lock turns into our `second-instance` event.
 */
import { resolve } from 'node:path';
import { app } from 'electron';
import type { CallHandlers, EventPayload } from '../../src-shared/bridge';
import { Id } from '../../src-shared/protocol/schemas';

export const DEEP_LINK_SCHEME = 'relay';

export type DeepLink = { kind: 'channel' | 'message'; id: string };

/** A well-formed link, or null (anything else that arrives is ignored). */
export function parseDeepLink(url: string): DeepLink | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${DEEP_LINK_SCHEME}:`) return null;
  const kind = parsed.hostname;
  const id = parsed.pathname.replace(/^\/|\/$/g, '');
  if ((kind !== 'channel' && kind !== 'message') || !Id.safeParse(id).success) return null;
  return { kind, id };
}

/** The link on a command line (the OS appends it to the app's arguments on Windows and Linux). */
export function deepLinkInArgv(argv: readonly string[]): DeepLink | null {
  const arg = argv.find((a) => a.startsWith(`${DEEP_LINK_SCHEME}://`));
  return arg ? parseDeepLink(arg) : null;
}

/** Registers the scheme with the OS and listens for macOS's way; returns the link we were started with. */
export function registerDeepLinks(open: (link: DeepLink) => void): DeepLink | null {
  // Unpackaged (`electron .`), the OS must start Electron with our app folder as its argument.
  const script = process.defaultApp ? process.argv[1] : undefined;
  if (script) app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME, process.execPath, [resolve(script)]);
  else app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME);
  app.on('open-url', (event, url) => {
    event.preventDefault();
    const link = parseDeepLink(url);
    if (link) open(link);
  });
  return deepLinkInArgv(process.argv);
}

/**
 * Where a link leads, as the renderer's `navigate` event. A message is looked up in the channels the
 * user is in (the local store first, through the core's own calls); an unknown one is an error the
 * window shows, never a crash.
 */
export async function deepLinkTarget(
  link: DeepLink,
  handlers: Pick<CallHandlers, 'listChannels' | 'listMessages'>,
): Promise<EventPayload<'navigate'> | null> {
  if (link.kind === 'channel') return { channelId: link.id };
  for (const channel of await handlers.listChannels(undefined)) {
    const page = await handlers.listMessages({ channelId: channel.id, around: link.id, limit: 1 });
    if (page.messages.some((m) => m.id === link.id)) return { channelId: channel.id, messageId: link.id };
  }
  return null;
}
