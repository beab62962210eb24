/**
 * Deep links, read once for both shells: `relay://channel/ID` and `relay://message/ID` (the desktop
 * app, through the OS) and `/#/channel/ID` and `/#/message/ID` (the browser host's address). Where a
 * message link leads is looked up the same way in both: in the channels the user is in, through the
 * core's own calls (a thread reply is found too: the page around a reply is its thread).
 */
import { Id } from '../protocol/schemas';

export const DEEP_LINK_SCHEME = 'relay';

const RELAY_URL = new RegExp(`^${DEEP_LINK_SCHEME}://(channel|message)(/[^?#]*)$`, 'i');

export type DeepLink = { kind: 'channel' | 'message'; id: string };

function linkOf(kind: string, rawId: string): DeepLink | null {
  let id: string;
  try {
    id = decodeURIComponent(rawId.replace(/^\/|\/$/g, ''));
  } catch {
    return null;
  }
  if ((kind !== 'channel' && kind !== 'message') || !Id.safeParse(id).success) return null;
  return { kind, id };
}

/** A well-formed `relay://` link, or null (anything else that arrives is ignored). */
export function parseDeepLink(url: string): DeepLink | null {
  // Read by hand: this layer has neither the DOM's nor Node's URL. The scheme and host are
  // case-insensitive, as URL would have them.
  const match = RELAY_URL.exec(url);
  return match ? linkOf(match[1]!.toLowerCase(), match[2]!) : null;
}

/** The browser host's equivalent in the address's hash (`#/message/ID`), or null. */
export function deepLinkInHash(hash: string): DeepLink | null {
  const match = /^#\/(channel|message)\/([^/?#]+)\/?$/.exec(hash);
  return match ? linkOf(match[1]!, match[2]!) : null;
}

/** What the lookup needs of the core: its two calls, answering plainly (or throwing). */
export interface MessageFinder {
  listChannels(): Promise<readonly { id: string }[]>;
  listMessages(args: {
    channelId: string;
    around: string;
    limit: number;
  }): Promise<{ messages: readonly { id?: string }[] }>;
}

/** Where a link leads (the `navigate` event's payload), or null for a message in none of the channels. */
export async function deepLinkTarget(
  link: DeepLink,
  finder: MessageFinder,
): Promise<{ channelId: string; messageId?: string } | null> {
  if (link.kind === 'channel') return { channelId: link.id };
  for (const channel of await finder.listChannels()) {
    const page = await finder.listMessages({ channelId: channel.id, around: link.id, limit: 1 });
    if (page.messages.some((m) => m.id === link.id)) return { channelId: channel.id, messageId: link.id };
  }
  return null;
}
