/**
 * Deep links: `relay://channel/ID` and `relay://message/ID` open the app there. The OS hands them to
 * us three ways: macOS's `open-url`, and on Windows/Linux the command line of the first instance or
 * of a second one, which the single-instance lock turns into our `second-instance` event.
 */
import { resolve } from 'node:path';
import { app } from 'electron';
import type { CallHandlers, EventPayload } from '../../src-shared/bridge';
import {
  DEEP_LINK_SCHEME,
  type DeepLink,
  deepLinkTarget as findTarget,
  parseDeepLink,
} from '../../src-shared/bridge/deep-link';

export { DEEP_LINK_SCHEME, type DeepLink, parseDeepLink };

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

/** Where a link leads, as the renderer's `navigate` event (src-shared/bridge/deep-link.ts). */
export function deepLinkTarget(
  link: DeepLink,
  handlers: Pick<CallHandlers, 'listChannels' | 'listMessages'>,
): Promise<EventPayload<'navigate'> | null> {
  return findTarget(link, {
    listChannels: () => Promise.resolve(handlers.listChannels(undefined)),
    listMessages: (args) => Promise.resolve(handlers.listMessages(args)),
  });
}
