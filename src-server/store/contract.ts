/**
 * The Store contract: what every store (SQLite, PostgreSQL) must do, written once and run against each
 * by its own test file: `describe('SqliteStore', () => storeContract(fixture))`.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { MessageDeliveryStatus } from '../../src-shared/protocol';
import { seedDemo } from './demo';
import type { NewMessage, ReceiptResult, ReceiptStatus, Store } from './types';

/** One empty database per test. */
export interface StoreFixture {
  /** A store on this test's database: call again for a second instance, or after close() to reopen. */
  open(): Promise<Store>;
  /** Called once every store it opened is closed. */
  dispose(): Promise<void>;
}

/**
 * Registers the hooks that give each test a fresh fixture and close what it opened; returns `open`,
 * which opens a store on this test's database (the contracts of contract.ts and workspace-contract.ts).
 */
export function storePerTest(makeFixture: () => Promise<StoreFixture>): () => Promise<Store> {
  let fixture: StoreFixture;
  let stores: Store[];

  beforeEach(async () => {
    fixture = await makeFixture();
    stores = [];
  });
  afterEach(async () => {
    for (const store of stores) await store.close();
    await fixture.dispose();
  });

  return async () => {
    const store = await fixture.open();
    stores.push(store);
    return store;
  };
}

/** A message to insert, by `userId` in `channelId`, written now: "x" unless `extra` says otherwise. */
export function newMessage(channelId: string, userId: string, extra: Partial<NewMessage> = {}): NewMessage {
  return { id: randomUUID(), channelId, userId, content: 'x', createdAt: new Date().toISOString(), ...extra };
}

export function storeContract(makeFixture: () => Promise<StoreFixture>): void {
  const open = storePerTest(makeFixture);

  async function reopen(store: Store): Promise<Store> {
    await store.close();
    return open();
  }

  async function demo(store: Store) {
    await seedDemo(store);
    const alice = (await store.findUserByUsername('alice'))!;
    const bob = (await store.findUserByUsername('bob'))!;
    const carol = (await store.findUserByUsername('carol'))!;
    const general = await store.ensureChannel('general');
    const random = await store.ensureChannel('random');
    return { alice, bob, carol, general, random };
  }

  const message = newMessage;

  it('seeds the demo workspace idempotently: same UUIDs after a reopen', async () => {
    const store = await open();
    const first = await demo(store);
    const reopened = await reopen(store);
    const second = await demo(reopened);
    expect(second.alice.id).toBe(first.alice.id);
    expect(second.general.id).toBe(first.general.id);
    expect(first.alice.id).toMatch(/^[0-9a-f-]{36}$/);
    const channels = await reopened.listChannels(first.alice.id);
    expect(channels.map((c) => [c.name, c.memberIds.length])).toEqual([
      ['general', 3],
      ['random', 2],
    ]);
    expect(await reopened.memberChannelIds(first.carol.id)).toEqual([first.general.id]);
  });

  it('seeds once when two instances seed at the same moment', async () => {
    const [a, b] = [await open(), await open()];
    const [fromA, fromB] = await Promise.all([demo(a), demo(b)]);
    expect(fromB.alice.id).toBe(fromA.alice.id);
    expect(fromB.general.id).toBe(fromA.general.id);
    expect((await a.listChannels(fromA.alice.id)).map((c) => c.memberIds.length)).toEqual([3, 2]);
  });

  it('tells a missing channel from a non-member from a member', async () => {
    const store = await open();
    const { carol, general, random } = await demo(store);
    expect(await store.membership(general.id, carol.id)).toBe('member');
    expect(await store.membership(random.id, carol.id)).toBe('not_member');
    expect(await store.membership(randomUUID(), carol.id)).toBe('no_channel');
    expect(await store.membership('not-a-uuid', carol.id)).toBe('no_channel');
    expect(await store.getUser('not-a-uuid')).toBeUndefined();
  });

  it('gives each channel its own gapless seq and dedupes (user, clientMessageId)', async () => {
    const store = await open();
    const { alice, bob, general, random } = await demo(store);
    const clientMessageId = randomUUID();
    const a = await store.insertMessage(message(general.id, alice.id, { clientMessageId }));
    const replay = await store.insertMessage(message(random.id, alice.id, { clientMessageId }));
    const bobs = await store.insertMessage(message(general.id, bob.id, { clientMessageId }));
    const r = await store.insertMessage(message(random.id, alice.id));
    expect([a.created, replay.created, bobs.created, r.created]).toEqual([true, false, true, true]);
    expect(replay.message).toEqual(a.message);
    expect([a.message.seq, bobs.message.seq, r.message.seq]).toEqual([1, 2, 1]);
    expect(await store.findByClientMessageId(alice.id, clientMessageId)).toEqual(a.message);
    expect(a.message).toMatchObject({ user: { id: alice.id, name: 'Alice' }, clientMessageId });
  });

  it('numbers the inserts of one instance in the order they were called, without waiting between them', async () => {
    // The socket layer relies on this to give a pipeline's sends their seqs in arrival order: it calls
    // insertMessage in that order and does not wait for one insert before calling the next.
    const store = await open();
    const { alice, general } = await demo(store);
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        store.insertMessage(
          message(general.id, alice.id, { content: `m${i}`, clientMessageId: randomUUID() }),
        ),
      ),
    );
    expect(results.map((r) => [r.message.content, r.message.seq])).toEqual(
      Array.from({ length: 30 }, (_, i) => [`m${i}`, i + 1]),
    );
  });

  it('hands out seqs in order, once each, under concurrent sends from two instances', async () => {
    const [a, b] = [await open(), await open()];
    const { alice, bob, general } = await demo(a);
    const sends = Array.from({ length: 20 }, (_, i) =>
      (i % 2 ? a : b).insertMessage(message(general.id, i % 3 ? alice.id : bob.id)),
    );
    const results = await Promise.all(sends);
    expect(results.map((r) => r.message.seq).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    // Within one instance, sends resolve in seq order: broadcasts go out in order.
    for (const store of [a, b]) {
      const mine = results.filter((_, i) => (i % 2 ? a : b) === store).map((r) => r.message.seq);
      expect(mine).toEqual([...mine].sort((x, y) => x - y));
    }
    expect((await a.listChannels(bob.id)).find((c) => c.id === general.id)?.lastSeq).toBe(20);
  });

  it('stores one message for a replay storm across two instances, and leaves no seq gap', async () => {
    const [a, b] = [await open(), await open()];
    const { alice, general, random } = await demo(a);
    const clientMessageId = randomUUID();
    // Copies land in two channels too: the second channel must not keep a seq for a message it lacks.
    const copies = Array.from({ length: 8 }, (_, i) =>
      (i % 2 ? a : b).insertMessage(message(i % 4 ? general.id : random.id, alice.id, { clientMessageId })),
    );
    const results = await Promise.all(copies);
    const created = results.filter((r) => r.created);
    expect(created).toHaveLength(1);
    for (const r of results) expect(r.message).toEqual(created[0]!.message);
    const next = await b.insertMessage(message(created[0]!.message.channelId, alice.id));
    expect(next.message.seq).toBe(2);
    const other = created[0]!.message.channelId === general.id ? random : general;
    expect((await b.insertMessage(message(other.id, alice.id))).message.seq).toBe(1);
  });

  it('stores a numbered send only as the next of its device in that channel; a replay answers first', async () => {
    const store = await open();
    const { alice, bob, general, random } = await demo(store);
    const deviceId = randomUUID();
    const numbered = (channelId: string, deviceSeq: number, clientMessageId = randomUUID()) =>
      store.insertNumbered(message(channelId, alice.id, { clientMessageId, content: `d${deviceSeq}` }), {
        deviceId,
        deviceSeq,
      });
    expect(await numbered(general.id, 2)).toEqual({ created: false, expectedSeq: 1 });
    const firstId = randomUUID();
    const first = await numbered(general.id, 1, firstId);
    expect(first).toMatchObject({ created: true, message: { content: 'd1', seq: 1 } });
    expect(await numbered(general.id, 1)).toEqual({ created: false, expectedSeq: 2 });
    expect(await numbered(general.id, 3)).toEqual({ created: false, expectedSeq: 2 });
    // A replay of a stored send is answered with the first, whatever number it now carries.
    const replay = await numbered(general.id, 7, firstId);
    expect(replay).toEqual({ created: false, message: first.message });
    // Each channel, each device and each user counts on its own.
    expect(await numbered(random.id, 1)).toMatchObject({ created: true });
    const other = await store.insertNumbered(message(general.id, alice.id), {
      deviceId: randomUUID(),
      deviceSeq: 1,
    });
    expect(other.created).toBe(true);
    const bobs = await store.insertNumbered(message(general.id, bob.id), { deviceId, deviceSeq: 1 });
    expect(bobs.created).toBe(true);
    expect(await store.devicePosition(alice.id, deviceId, general.id)).toBe(1);
    expect(await store.devicePosition(alice.id, deviceId, random.id)).toBe(1);
    expect(await store.devicePosition(bob.id, deviceId, random.id)).toBe(0);
  });

  it('uses up a number refused for good only when it is the next one, and keeps positions across a reopen', async () => {
    const store = await open();
    const { alice, general } = await demo(store);
    const device = { deviceId: randomUUID(), deviceSeq: 1 };
    await store.skipDeviceSeq(alice.id, general.id, { ...device, deviceSeq: 2 });
    expect(await store.devicePosition(alice.id, device.deviceId, general.id)).toBe(0);
    await store.skipDeviceSeq(alice.id, general.id, device);
    expect(await store.devicePosition(alice.id, device.deviceId, general.id)).toBe(1);
    const reopened = await reopen(store);
    expect(await reopened.insertNumbered(message(general.id, alice.id), device)).toEqual({
      created: false,
      expectedSeq: 2,
    });
    expect(
      (await reopened.insertNumbered(message(general.id, alice.id), { ...device, deviceSeq: 2 })).created,
    ).toBe(true);
    expect(await reopened.devicePosition(alice.id, device.deviceId, general.id)).toBe(2);
  });

  it('checks the numbered sends of one instance in the order they were called, without waiting', async () => {
    const store = await open();
    const { alice, general } = await demo(store);
    const deviceId = randomUUID();
    // 1, 2, 4, 3, 5: 4 comes too early, so 3 is stored and 5 is out of order (4 never was).
    const results = await Promise.all(
      [1, 2, 4, 3, 5].map((deviceSeq) =>
        store.insertNumbered(message(general.id, alice.id, { content: `n${deviceSeq}` }), {
          deviceId,
          deviceSeq,
        }),
      ),
    );
    expect(
      results.map((r) => (r.created ? r.message.content : r.message ? 'replay' : r.expectedSeq)),
    ).toEqual(['n1', 'n2', 3, 'n3', 4]);
  });

  it('stores the numbered sends of one device once each, in order, when two instances race them', async () => {
    const [a, b] = [await open(), await open()];
    const { alice, general } = await demo(a);
    const deviceId = randomUUID();
    const sends = Array.from({ length: 6 }, (_, i) => ({ deviceSeq: i + 1, clientMessageId: randomUUID() }));
    // Each send goes to both instances (a reconnect overlapping the old connection), until all are in.
    for (let round = 0; round < 6; round++) {
      await Promise.all(
        sends.flatMap(({ deviceSeq, clientMessageId }) =>
          [a, b].map((store) =>
            store.insertNumbered(
              message(general.id, alice.id, { clientMessageId, content: `r${deviceSeq}` }),
              {
                deviceId,
                deviceSeq,
              },
            ),
          ),
        ),
      );
    }
    const page = await a.listMessages(general.id, alice.id, {});
    expect(page.messages.map((m) => m.content)).toEqual(sends.map((s) => `r${s.deviceSeq}`));
    expect(await b.devicePosition(alice.id, deviceId, general.id)).toBe(6);
  });

  it('keeps one receipt per recipient, monotonic, and moves the read position on READ', async () => {
    const store = await open();
    const { alice, bob, general } = await demo(store);
    const { message: m } = await store.insertMessage(message(general.id, alice.id));
    const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
    const { DELIVERED, READ } = MessageDeliveryStatus;
    // Each receipt in turn, and what the store keeps: a status never goes back, and a repeat changes nothing.
    const steps: [status: ReceiptStatus, second: number, kept: ReceiptResult][] = [
      [DELIVERED, 1, { changed: true, status: DELIVERED, at: at(1) }],
      [DELIVERED, 2, { changed: false, status: DELIVERED, at: at(1) }],
      [READ, 3, { changed: true, status: READ, at: at(3) }],
      [DELIVERED, 4, { changed: false, status: READ, at: at(3) }],
    ];
    for (const [status, second, kept] of steps) {
      expect(await store.recordReceipt(m.id, bob.id, status, at(second))).toEqual(kept);
      // The read position moves on READ only.
      const lastReadSeq = (await store.listChannels(bob.id)).find((c) => c.id === general.id)?.lastReadSeq;
      expect(lastReadSeq).toBe(kept.status === READ ? 1 : 0);
    }
    const page = await store.listMessages(general.id, alice.id, {});
    expect(page.messages[0]?.receipts).toEqual([{ userId: bob.id, status: READ, at: at(3) }]);
    expect(page.messages[0]?.deliveryStatus).toBe(READ);
    // Receipts are shown to the author only.
    expect((await store.listMessages(general.id, bob.id, {})).messages[0]?.receipts).toBeUndefined();
    expect((await store.listChannels(bob.id)).find((c) => c.id === general.id)?.lastReadSeq).toBe(1);
  });

  it('counts unread messages of others from the read position, which sending also moves', async () => {
    const store = await open();
    const { alice, bob, general } = await demo(store);
    await store.insertMessage(message(general.id, alice.id));
    const second = await store.insertMessage(message(general.id, alice.id));
    const unread = async (userId: string) =>
      (await store.listChannels(userId)).find((c) => c.id === general.id)!;
    expect(await unread(bob.id)).toMatchObject({ lastSeq: 2, lastReadSeq: 0, unreadCount: 2 });
    expect(await unread(alice.id)).toMatchObject({ lastReadSeq: 2, unreadCount: 0 });
    await store.recordReceipt(
      second.message.id,
      bob.id,
      MessageDeliveryStatus.READ,
      new Date().toISOString(),
    );
    expect(await unread(bob.id)).toMatchObject({ lastReadSeq: 2, unreadCount: 0 });
    await store.insertMessage(message(general.id, alice.id));
    await store.insertMessage(message(general.id, bob.id));
    expect(await unread(bob.id)).toMatchObject({ lastSeq: 4, lastReadSeq: 4, unreadCount: 0 });
    expect(await unread(alice.id)).toMatchObject({ lastReadSeq: 3, unreadCount: 1 });
  });

  it('pages history in seq order: newest page, after, before, hasMore', async () => {
    const store = await open();
    const { alice, general } = await demo(store);
    for (let i = 0; i < 5; i++) await store.insertMessage(message(general.id, alice.id));
    const seqs = (page: { messages: { seq: number }[] }) => page.messages.map((m) => m.seq);
    const newest = await store.listMessages(general.id, alice.id, { limit: 2 });
    expect([seqs(newest), newest.hasMore]).toEqual([[4, 5], true]);
    const before = await store.listMessages(general.id, alice.id, { before: 4, limit: 2 });
    expect([seqs(before), before.hasMore]).toEqual([[2, 3], true]);
    const after = await store.listMessages(general.id, alice.id, { after: 3, limit: 2 });
    expect([seqs(after), after.hasMore]).toEqual([[4, 5], false]);
    const all = await store.listMessages(general.id, alice.id, {});
    expect([seqs(all), all.hasMore]).toEqual([[1, 2, 3, 4, 5], false]);
    expect(all.messages[0]?.receipts).toEqual([]);
  });

  it('keeps everything across a reopen', async () => {
    const store = await open();
    const { alice, general } = await demo(store);
    const clientMessageId = randomUUID();
    const { message: m } = await store.insertMessage(message(general.id, alice.id, { clientMessageId }));
    const reply = await store.insertMessage(message(general.id, alice.id, { parentId: m.id }));
    const reopened = await reopen(store);
    expect(await reopened.getMessage(m.id)).toEqual(m);
    expect(await reopened.getMessage(reply.message.id)).toMatchObject({ parentId: m.id, seq: 2 });
    expect((await reopened.insertMessage(message(general.id, alice.id, { clientMessageId }))).created).toBe(
      false,
    );
    expect((await reopened.insertMessage(message(general.id, alice.id))).message.seq).toBe(3);
  });

  it('refuses every call once closed', async () => {
    const store = await open();
    await store.close();
    await expect(store.getUser('x')).rejects.toThrow(/not open/);
    await store.close(); // idempotent
  });
}
