/**
 * The local store's tests start from the same place: users, a channel they are both in, and a real
 * SQLite file in a fresh folder per test, closed and removed after it.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { type Channel, type Message, unchangedMessageFields } from '../../../src-shared/protocol';
import { LocalStore } from '../store';

export type TestUser = { id: string; name: string };

export const me: TestUser = { id: randomUUID(), name: 'alice' };
export const bob: TestUser = { id: randomUUID(), name: 'bob' };

/** A public channel of `members`, as the server lists it before anything is sent or read. */
export function testChannel(members: TestUser[] = [me, bob]): Channel {
  return {
    id: randomUUID(),
    name: 'general',
    kind: 'channel',
    private: false,
    topic: '',
    archived: false,
    memberIds: members.map((m) => m.id),
    members,
    lastSeq: 0,
    lastReadSeq: 0,
    unreadCount: 0,
  };
}

export type StoreFolder = {
  /** This test's folder and the database file in it. */
  readonly dir: string;
  readonly file: string;
  /** Opens (or reopens) the store on `file` as `me`, with the fixture's channels saved. */
  open(): LocalStore;
};

/** A fresh folder per test; every store opened in it is closed after the test and the folder removed. */
export function storeFolderEachTest(
  prefix: string,
  { channels, now }: { channels: Channel[]; now?: () => number },
): StoreFolder {
  let opened: LocalStore[] = [];
  const folder = {
    dir: '',
    file: '',
    open() {
      const store = LocalStore.open({ file: folder.file, selfId: me.id, now });
      opened.push(store);
      store.saveChannels(channels);
      return store;
    },
  };
  beforeEach(() => {
    folder.dir = mkdtempSync(join(tmpdir(), prefix));
    folder.file = join(folder.dir, 'db.sqlite');
  });
  afterEach(() => {
    for (const store of opened) store.close();
    opened = [];
    rmSync(folder.dir, { recursive: true, force: true });
  });
  return folder;
}

/** Queues `content` as our message in `channelId`, now; returns its clientMessageId. */
export function queueOwn(
  store: LocalStore,
  channelId: string,
  content: string,
  files?: Parameters<LocalStore['queueOwnMessage']>[0]['files'],
): string {
  const clientMessageId = randomUUID();
  store.queueOwnMessage({
    clientMessageId,
    channelId,
    content,
    author: me,
    createdAt: new Date().toISOString(),
    queuedAt: Date.now(),
    files,
  });
  return clientMessageId;
}

/** bob's message number `seq` in `channelId` as the server sends it (created `seq` seconds into 2023-11). */
export function fromBob(channelId: string, seq: number, over: Partial<Message> = {}): Message {
  const at = new Date(1_700_000_000_000 + seq * 1000).toISOString();
  return {
    id: randomUUID(),
    content: `message ${seq}`,
    channelId,
    userId: bob.id,
    createdAt: at,
    updatedAt: at,
    deliveryStatus: 'SENT' as Message['deliveryStatus'],
    user: bob,
    ...unchangedMessageFields(),
    seq,
    ...over,
  };
}
