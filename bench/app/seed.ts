/**
 * Set-up for the figures that start the app on a history (13, 14): messages written through the
 * server's own store (many in flight, so its group commit takes them in a few transactions), and the
 * app's user data folder written directly — the session, the settings and the account database filled
 * through the core's own store in one transaction — instead of sending every message. Set-up only.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import {
  createFileSecretStore,
  createFileSettingsStore,
  DEFAULT_SETTINGS,
} from '../../src-main/core/node-ports';
import { serialiseSession } from '../../src-main/core/stored-session';
import { LocalStore } from '../../src-main/store/store';
import type { Store } from '../../src-server/store/types';
import type { Channel, LoginResponse, Message } from '../../src-shared/protocol';

const FILLER = ' the quick brown fox jumps over the lazy dog, then reviews the pull request before lunch';

/** How many messages each channel gets: `total` spread as evenly as it goes, the first ones one more. */
export function perChannel(total: number, channels: number): number[] {
  const base = Math.floor(total / channels);
  return Array.from({ length: channels }, (_, i) => base + (i < total % channels ? 1 : 0));
}

/** `total` messages by `userId` across `channelIds`, content `${prefix}${n}…`; at most `window` in flight. */
export async function insertMessages(
  store: Store,
  args: { channelIds: string[]; total: number; userId: string; prefix: string; window?: number },
): Promise<Message[]> {
  const jobs: { channelId: string; n: number }[] = [];
  perChannel(args.total, args.channelIds.length).forEach((count, c) => {
    for (let n = 0; n < count; n++) jobs.push({ channelId: args.channelIds[c]!, n });
  });
  const stored: Message[] = [];
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const { channelId, n } = jobs[next++]!;
      const { message } = await store.insertMessage({
        id: randomUUID(),
        channelId,
        userId: args.userId,
        content: `${args.prefix}${n}${FILLER}`,
        createdAt: new Date().toISOString(),
      });
      stored.push(message);
    }
  };
  await Promise.all(Array.from({ length: args.window ?? 2_048 }, worker));
  return stored;
}

/**
 * The user data folder of an app that was signed in and had caught up on `messages` before it was
 * closed: session and settings files, and the account database with the channels, the messages, each
 * channel's cursor at its newest held message and everything read.
 */
export function prepareUserData(
  userData: string,
  args: { serverUrl: string; login: LoginResponse; channels: Channel[]; messages: Message[] },
): Promise<void> {
  const { user, token } = args.login;
  const settings = createFileSettingsStore(userData, DEFAULT_SETTINGS);
  settings.set({ serverUrl: args.serverUrl });
  const store = LocalStore.open({ file: path.join(userData, `relay-${user.id}.sqlite`), selfId: user.id });
  try {
    store.saveChannels(args.channels);
    const newest = new Map<string, number>();
    store.transaction(() => {
      for (const m of args.messages) {
        store.upsertServerMessage(m);
        newest.set(m.channelId, Math.max(newest.get(m.channelId) ?? 0, m.seq));
      }
      for (const [channelId, seq] of newest) {
        store.setCursor(channelId, seq);
        store.markReadUpTo(channelId, seq);
        store.changes.setCursor(channelId, store.maxChangeSeq(channelId));
      }
    });
  } finally {
    store.close();
  }
  // The settings are written after `set` (node-ports.ts): on disk before the app host reads them.
  return Promise.all([
    settings.flushed(),
    createFileSecretStore(userData).set(serialiseSession({ serverUrl: args.serverUrl, user, token })),
  ]).then(() => {});
}
