/**
 * The checkpoint worker's connection starts the WAL at open, so the main connection's first commit
 * appends to a WAL whose header is already written and synced (bench figure 13: two fsyncs, 20-30 ms,
 * on the main thread in the catch-up's first commit).
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { expect, it } from 'vitest';
import { serverMessage } from '../../src-shared/testing/messages';
import { LocalStore } from './store';
import { bob, me, storeFolderEachTest, testChannel } from './testing/store-fixture';

const channel = testChannel();
const folder = storeFolderEachTest('relay-checkpointer-', { channels: [channel] });

/** The WAL's size and its header's salts (a new generation of the WAL has new ones). */
function wal(file: string): { size: number; salts: string } {
  const size = statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0;
  if (size < 32) return { size, salts: '' };
  const header = Buffer.alloc(32);
  const fd = openSync(`${file}-wal`, 'r');
  try {
    readSync(fd, header, 0, 32, 0);
  } finally {
    closeSync(fd);
  }
  return { size, salts: header.subarray(16, 24).toString('hex') };
}

it("starts the WAL on the worker's connection, before the main connection writes, and changes nothing", async () => {
  folder.open().close(); // the schema and the channel; the last connection's close empties the WAL
  const store = LocalStore.open({ file: folder.file, selfId: me.id });
  const worker = store.checkpointInBackground((error) => {
    throw error;
  });
  try {
    expect(wal(folder.file).size).toBe(0);
    await worker.ready;
    const started = wal(folder.file);
    expect(started.size).toBeGreaterThan(32); // a header and a frame
    // The main connection's commit goes on in the same WAL: no restart, so no header of its own to sync.
    store.upsertServerMessage(serverMessage({ channelId: channel.id, user: bob, seq: 1, content: 'hi' }));
    const after = wal(folder.file);
    expect(after.salts).toBe(started.salts);
    expect(after.size).toBeGreaterThan(started.size);
    expect(store.channel(channel.id)).toBeDefined();
  } finally {
    await worker.close();
    store.close();
  }
  const db = new Database(folder.file, { readonly: true });
  try {
    expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(15);
    expect(db.pragma('quick_check', { simple: true })).toBe('ok');
  } finally {
    db.close();
  }
});
