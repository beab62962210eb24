/**
 * The Store contract's files half (uploads, the messages that carry them, orphans), run against every
 * store beside contract.ts: `filesContract(fixture)` in sqlite-store.test.ts and postgres-store.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { StoreFixture } from './contract';
import { seedDemo } from './demo';
import type { FileRecord, Store } from './types';

export function filesContract(makeFixture: () => Promise<StoreFixture>): void {
  let fixture: StoreFixture;
  let store: Store;

  beforeEach(async () => {
    fixture = await makeFixture();
    store = await fixture.open();
    await seedDemo(store);
  });
  afterEach(async () => {
    await store.close();
    await fixture.dispose();
  });

  const user = async (name: string) => (await store.findUserByUsername(name))!.id;
  const channel = async (name: string) => (await store.findChannelByName(name))!.id;

  function file(userId: string, extra: Partial<FileRecord> = {}): FileRecord {
    return {
      id: randomUUID(),
      userId,
      sha256: 'a'.repeat(64),
      name: 'notes.txt',
      size: 3 * 1024 ** 3, // beyond 32 bits: PostgreSQL's bigint comes back as a number
      mime: 'text/plain',
      createdAt: new Date(Date.UTC(2026, 0, 1)).toISOString(),
      ...extra,
    };
  }

  it('stores a file row and reads it back', async () => {
    const stored = file(await user('alice'));
    await store.insertFile(stored);
    expect(await store.getFile(stored.id)).toEqual(stored);
    expect(await store.getFile(randomUUID())).toBeUndefined();
  });

  it('posts files with their message: shown on it, readable by that channel only, no longer orphans', async () => {
    const [alice, bob, carol] = [await user('alice'), await user('bob'), await user('carol')];
    const random = await channel('random'); // alice and bob, not carol
    const [a, b] = [file(alice, { name: 'a.png' }), file(alice, { name: 'b.txt', sha256: 'b'.repeat(64) })];
    await store.insertFile(a);
    await store.insertFile(b);
    expect(await store.canReadFile(a.id, alice)).toBe(false); // not posted yet: nobody reads it
    const shown = [a, b].map(({ id, name, size, mime }) => ({ id, name, size, mime }));
    const createdAt = new Date(Date.UTC(2026, 0, 2)).toISOString();
    const { message } = await store.insertMessage({
      id: randomUUID(),
      channelId: random,
      userId: alice,
      content: 'two files',
      createdAt,
      files: shown,
    });
    expect(message.files).toEqual(shown);
    expect((await store.getMessage(message.id))?.files).toEqual(shown);
    const page = await store.listMessages(random, bob, {});
    expect(page.messages[0]?.files).toEqual(shown);
    expect(await store.canReadFile(a.id, bob)).toBe(true);
    expect(await store.canReadFile(a.id, carol)).toBe(false);
    expect((await store.getFile(a.id))?.postedAt).toBe(createdAt);
    // A message without files has none.
    const plain = await store.insertMessage({
      id: randomUUID(),
      channelId: random,
      userId: bob,
      content: 'no files',
      createdAt,
    });
    expect(plain.message.files).toBeUndefined();
    // Posted files are never orphans, however old.
    expect(await store.deleteUnpostedFiles(new Date(Date.UTC(2030, 0, 1)).toISOString())).toEqual([]);
  });

  it('refuses a message whose file is not stored (collected since it was checked): NOT_FOUND, nothing stored, its number used up', async () => {
    const alice = await user('alice');
    const general = await channel('general');
    const ghost = { id: randomUUID(), name: 'x', size: 1, mime: 'text/plain' };
    const sent = (content: string, extra: { clientMessageId?: string; files?: [typeof ghost] } = {}) => ({
      id: randomUUID(),
      channelId: general,
      userId: alice,
      content,
      createdAt: new Date().toISOString(),
      ...extra,
    });
    const plain = sent('x', { files: [ghost] });
    await expect(store.insertMessage(plain)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await store.getMessage(plain.id)).toBeUndefined();
    // A numbered send refused for good uses up its number, as a refusal on arrival does.
    const device = { deviceId: randomUUID(), deviceSeq: 1 };
    await expect(store.insertNumbered(sent('n1', { files: [ghost] }), device)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await store.devicePosition(alice, device.deviceId, general)).toBe(1);
    // Neither took a seq: the next message is the channel's first.
    const next = await store.insertNumbered(sent('n2'), { ...device, deviceSeq: 2 });
    expect(next).toMatchObject({ created: true, message: { content: 'n2', seq: 1 } });
    // A copy of a stored send is answered with the first, whatever files it names now.
    const clientMessageId = randomUUID();
    const first = await store.insertMessage(sent('first', { clientMessageId }));
    expect(await store.insertMessage(sent('again', { clientMessageId, files: [ghost] }))).toEqual({
      created: false,
      message: first.message,
    });
  });

  it("unlinks a deleted message's files: unreadable, unposted unless another message carries them", async () => {
    const [alice, bob] = [await user('alice'), await user('bob')];
    const [general, random] = [await channel('general'), await channel('random')];
    const [only, twice] = [file(alice), file(alice, { sha256: 'd'.repeat(64) })];
    for (const f of [only, twice]) await store.insertFile(f);
    const shown = (f: FileRecord) => ({ id: f.id, name: f.name, size: f.size, mime: f.mime });
    const send = async (channelId: string, files: FileRecord[]) =>
      (
        await store.insertMessage({
          id: randomUUID(),
          channelId,
          userId: alice,
          content: 'files',
          createdAt: new Date(Date.UTC(2026, 0, 2)).toISOString(),
          files: files.map(shown),
        })
      ).message;
    const doomed = await send(random, [only, twice]);
    await send(general, [twice]);
    const result = await store.changeMessage({
      opId: randomUUID(),
      userId: alice,
      messageId: doomed.id,
      moderator: false,
      change: { kind: 'delete' },
      at: new Date(Date.UTC(2026, 0, 3)).toISOString(),
    });
    expect(result).toMatchObject({ status: 'applied', message: { deleted: true } });
    expect(result.status === 'applied' && result.message.files).toBeUndefined();
    expect((await store.getMessage(doomed.id))?.files).toBeUndefined();
    expect(await store.canReadFile(only.id, bob)).toBe(false);
    expect(await store.canReadFile(twice.id, bob)).toBe(true);
    expect((await store.getFile(only.id))?.postedAt).toBeUndefined();
    const collected = await store.deleteUnpostedFiles(new Date(Date.UTC(2030, 0, 1)).toISOString());
    expect(collected.map((f) => f.id)).toEqual([only.id]);
  });

  it('deletes only unposted files older than the cutoff, and says which blobs are still named', async () => {
    const alice = await user('alice');
    const day = (d: number) => new Date(Date.UTC(2026, 0, d)).toISOString();
    const old = file(alice, { createdAt: day(1) });
    const twin = file(alice, { createdAt: day(3) }); // same bytes, uploaded later
    const other = file(alice, { createdAt: day(1), sha256: 'c'.repeat(64) });
    for (const f of [old, twin, other]) await store.insertFile(f);
    const deleted = await store.deleteUnpostedFiles(day(2));
    expect(deleted.map((f) => f.id).sort()).toEqual([old.id, other.id].sort());
    expect(await store.getFile(old.id)).toBeUndefined();
    expect(await store.getFile(twin.id)).toEqual(twin);
    // The twin still names old's blob.
    expect(await store.blobsInUse([old.sha256, other.sha256, 'e'.repeat(64)])).toEqual(new Set([old.sha256]));
    expect(await store.blobsInUse([])).toEqual(new Set());
  });
}
