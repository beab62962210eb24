/**
 * The search index's upkeep on a real store file and a manual clock: it waits while the core is busy
 * catching up, then takes the backlog in bounded batches.
 */
import Database from 'better-sqlite3';
import { expect, it, vi } from 'vitest';
import { serverMessage } from '../../src-shared/testing/messages';
import { bob, storeFolderEachTest, testChannel } from '../store/testing/store-fixture';
import { BUSY_CHECKPOINT_TICKS, INDEX_RETRY_MAX_MS, StoreUpkeep, UPKEEP_INDEX_BATCH } from './store-upkeep';
import { createManualClock } from './testing/manual-clock';

const channel = testChannel();
const folder = storeFolderEachTest('relay-store-upkeep-', { channels: [channel] });
const INTERVAL_MS = 1_000;

it('indexes nothing while busy, then the whole backlog in batches of UPKEEP_INDEX_BATCH', () => {
  const store = folder.open();
  const total = UPKEEP_INDEX_BATCH * 2 + 10;
  store.transaction(() => {
    for (let seq = 1; seq <= total; seq++)
      store.upsertServerMessage(serverMessage({ channelId: channel.id, user: bob, seq, content: `m${seq}` }));
  });
  const clock = createManualClock();
  let busy = true;
  const upkeep = new StoreUpkeep(
    store,
    clock,
    INTERVAL_MS,
    (what, error) => {
      throw new Error(`${what}: ${String(error)}`);
    },
    () => busy,
  );
  try {
    clock.advance(INTERVAL_MS * 5);
    expect(store.searchIndexBacklog()).toBe(total);

    busy = false;
    clock.advance(INTERVAL_MS); // the next tick: one batch
    expect(store.searchIndexBacklog()).toBe(total - UPKEEP_INDEX_BATCH);
    clock.advance(INTERVAL_MS); // the backlog's batches follow each other closely
    expect(store.searchIndexBacklog()).toBe(0);
    expect(store.search(`m${total}`, { limit: 5 }).map((r) => r.content)).toEqual([`m${total}`]);
  } finally {
    void upkeep.dispose();
    store.close();
  }
});

it('checkpoints on a worker thread, never on this one, and falls back to this one if the worker stops', async () => {
  const store = folder.open();
  const onThisThread = vi.spyOn(store, 'checkpoint');
  const clock = createManualClock();
  const faults: string[] = [];
  let busy = false;
  const upkeep = new StoreUpkeep(
    store,
    clock,
    INTERVAL_MS,
    (what) => faults.push(what),
    () => busy,
  );
  try {
    const worker = upkeep.background;
    expect(worker).not.toBeNull();
    await worker!.ready;
    // Asked of the worker on every tick; while busy (a catch-up), on one tick in BUSY_CHECKPOINT_TICKS.
    const asked = vi.spyOn(worker!, 'checkpointNow');
    clock.advance(INTERVAL_MS * 2);
    expect(asked).toHaveBeenCalledTimes(2);
    busy = true;
    clock.advance(INTERVAL_MS * BUSY_CHECKPOINT_TICKS * 2);
    expect(asked).toHaveBeenCalledTimes(4);
    busy = false;
    asked.mockRestore();
    store.transaction(() => {
      for (let seq = 1; seq <= 500; seq++)
        store.upsertServerMessage(
          serverMessage({ channelId: channel.id, user: bob, seq, content: `m${seq}` }),
        );
    });
    const result = await worker!.checkpointNow();
    // Every frame of the WAL copied back by the worker's own connection.
    expect(result).toMatchObject({ ok: true, busy: 0 });
    expect(result.ok && result.log > 0 && result.checkpointed === result.log).toBe(true);
    clock.advance(INTERVAL_MS * 3);
    expect(onThisThread).not.toHaveBeenCalled();

    // The worker gone: the timer on this thread takes over.
    await worker!.stopForTest();
    expect(faults).toEqual(['checkpointing the local database in the background']);
    expect(upkeep.background).toBeNull();
    clock.advance(INTERVAL_MS);
    expect(onThisThread).toHaveBeenCalledTimes(1);
  } finally {
    await upkeep.dispose();
    store.close();
  }
});

it('backs off while indexing fails (doubling up to INDEX_RETRY_MAX_MS), and is back on its tick once it works', () => {
  const store = folder.open();
  store.transaction(() => {
    for (let seq = 1; seq <= 5; seq++)
      store.upsertServerMessage(serverMessage({ channelId: channel.id, user: bob, seq, content: `m${seq}` }));
  });
  // A real failure: another connection takes the index's table away (as a damaged file would).
  const other = new Database(folder.file);
  other.exec('ALTER TABLE messages_fts RENAME TO messages_fts_away');
  const clock = createManualClock();
  const faults: number[] = [];
  const upkeep = new StoreUpkeep(store, clock, INTERVAL_MS, (what) => {
    expect(what).toBe('indexing messages for search');
    faults.push(clock.now());
  });
  try {
    clock.advance(10 * 60_000);
    // Every tick for ten minutes would be 600 reports; doubling from 1 s: 1, 2, 4 … 32, then one a minute.
    const waits = faults.slice(1).map((at, i) => at - faults[i]!);
    expect(waits.slice(0, 6)).toEqual([2, 4, 8, 16, 32, 60].map((s) => s * INTERVAL_MS));
    expect(new Set(waits.slice(5))).toEqual(new Set([INDEX_RETRY_MAX_MS]));
    expect(faults.length).toBeLessThan(20);
    expect(store.searchIndexBacklog()).toBe(5);

    other.exec('ALTER TABLE messages_fts_away RENAME TO messages_fts');
    const reported = faults.length;
    clock.advance(INDEX_RETRY_MAX_MS); // the next try works
    expect(store.searchIndexBacklog()).toBe(0);
    expect(faults.length).toBe(reported);
    // And the wait is the tick again: new messages are indexed on the next one.
    store.upsertServerMessage(serverMessage({ channelId: channel.id, user: bob, seq: 6, content: 'm6' }));
    clock.advance(INTERVAL_MS);
    expect(store.searchIndexBacklog()).toBe(0);
  } finally {
    other.close();
    void upkeep.dispose();
    store.close();
  }
});
