import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MessageDeliveryStatus } from '../../src-shared/protocol';
import { seedDemo } from './demo';
import { loadMigrations, migrate } from './migrate';
import { DATABASE_FILE, SqliteStore } from './sqlite';

let dir: string;
let stores: SqliteStore[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'relay-store-'));
  stores = [];
});
afterEach(async () => {
  for (const store of stores) await store.close();
  await rm(dir, { recursive: true, force: true });
});

function open() {
  const store = new SqliteStore(dir);
  stores.push(store);
  return store;
}

async function demo(store: SqliteStore) {
  await seedDemo(store);
  const alice = (await store.findUserByUsername('alice'))!;
  const bob = (await store.findUserByUsername('bob'))!;
  const general = await store.ensureChannel('general');
  return { alice, bob, general };
}

const message = (channelId: string, userId: string, extra: Partial<{ clientMessageId: string }> = {}) => ({
  id: randomUUID(),
  channelId,
  userId,
  content: 'x',
  createdAt: new Date().toISOString(),
  ...extra,
});

describe('SqliteStore', () => {
  it('opens in WAL mode at the latest schema version, and reopening changes nothing', async () => {
    open();
    const db = new Database(join(dir, DATABASE_FILE), { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(loadMigrations().length);
    db.close();
    await stores.pop()!.close();
    expect(() => open()).not.toThrow();
  });

  it('refuses a database newer than the code, and migration files out of sequence', async () => {
    const db = new Database(join(dir, DATABASE_FILE));
    db.pragma('user_version = 99');
    expect(() => migrate(db)).toThrow(/newer than this server/);
    db.close();
    const migrations = join(dir, 'migrations');
    await mkdir(migrations);
    await writeFile(join(migrations, '001_a.sql'), 'SELECT 1;');
    await writeFile(join(migrations, '003_c.sql'), 'SELECT 1;');
    expect(() => loadMigrations(migrations)).toThrow(/without gaps/);
  });

  it('seeds the demo workspace idempotently: same UUIDs after a reopen', async () => {
    const first = await demo(open());
    await stores.pop()!.close();
    const store = open();
    const second = await demo(store);
    expect(second.alice.id).toBe(first.alice.id);
    expect(second.general.id).toBe(first.general.id);
    expect(first.alice.id).toMatch(/^[0-9a-f-]{36}$/);
    const channels = await store.listChannels(first.alice.id);
    expect(channels.map((c) => [c.name, c.memberIds.length])).toEqual([
      ['general', 3],
      ['random', 2],
    ]);
    expect(await store.memberChannelIds((await store.findUserByUsername('carol'))!.id)).toEqual([
      first.general.id,
    ]);
  });

  it('gives each channel its own gapless seq and dedupes (user, clientMessageId)', async () => {
    const store = open();
    const { alice, bob, general } = await demo(store);
    const random = await store.ensureChannel('random');
    const clientMessageId = randomUUID();
    const a = await store.insertMessage(message(general.id, alice.id, { clientMessageId }));
    const replay = await store.insertMessage(message(random.id, alice.id, { clientMessageId }));
    const bobs = await store.insertMessage(message(general.id, bob.id, { clientMessageId }));
    const r = await store.insertMessage(message(random.id, alice.id));
    expect([a.created, replay.created, bobs.created, r.created]).toEqual([true, false, true, true]);
    expect(replay.message).toEqual(a.message);
    expect([a.message.seq, bobs.message.seq, r.message.seq]).toEqual([1, 2, 1]);
    expect(await store.findByClientMessageId(alice.id, clientMessageId)).toEqual(a.message);
  });

  it('keeps one receipt per recipient, monotonic, and moves the read position on READ', async () => {
    const store = open();
    const { alice, bob, general } = await demo(store);
    const { message: m } = await store.insertMessage(message(general.id, alice.id));
    const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
    const { DELIVERED, READ } = MessageDeliveryStatus;
    expect(await store.recordReceipt(m.id, bob.id, DELIVERED, at(1))).toEqual({
      changed: true,
      status: DELIVERED,
      at: at(1),
    });
    expect(await store.recordReceipt(m.id, bob.id, DELIVERED, at(2))).toEqual({
      changed: false,
      status: DELIVERED,
      at: at(1),
    });
    expect(await store.recordReceipt(m.id, bob.id, READ, at(3))).toEqual({
      changed: true,
      status: READ,
      at: at(3),
    });
    expect(await store.recordReceipt(m.id, bob.id, DELIVERED, at(4))).toEqual({
      changed: false,
      status: READ,
      at: at(3),
    });
    const page = await store.listMessages(general.id, alice.id, {});
    expect(page.messages[0]?.receipts).toEqual([{ userId: bob.id, status: READ, at: at(3) }]);
    expect((await store.listChannels(bob.id)).find((c) => c.id === general.id)?.lastReadSeq).toBe(1);
  });

  it('keeps everything across a reopen', async () => {
    const store = open();
    const { alice, general } = await demo(store);
    const clientMessageId = randomUUID();
    const { message: m } = await store.insertMessage(message(general.id, alice.id, { clientMessageId }));
    await stores.pop()!.close();
    const reopened = open();
    expect(await reopened.getMessage(m.id)).toEqual(m);
    expect((await reopened.insertMessage(message(general.id, alice.id, { clientMessageId }))).created).toBe(
      false,
    );
    expect((await reopened.insertMessage(message(general.id, alice.id))).message.seq).toBe(2);
  });
});
