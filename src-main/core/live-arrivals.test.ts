/** Live arrivals: coalesced per socket read, ingested before the loop moves on to other callbacks. */
import { describe, expect, it } from 'vitest';
import type { Message } from '../../src-shared/protocol';
import { LiveArrivals, MAX_LIVE_BATCH } from './live-arrivals';

const message = (n: number) => ({ id: `m${n}` }) as unknown as Message;

function setup() {
  const batches: string[][] = [];
  const faults: string[] = [];
  const live = new LiveArrivals(
    (messages) => batches.push(messages.map((m) => m.id)),
    (where) => faults.push(where),
  );
  return { live, batches, faults };
}

describe('LiveArrivals', () => {
  it('ingests what one socket read brought in one batch, once that read is handled', async () => {
    const { live, batches } = setup();
    for (let i = 1; i <= 3; i++) live.add(message(i));
    expect(batches).toEqual([]);
    await Promise.resolve();
    expect(batches).toEqual([['m1', 'm2', 'm3']]);
  });

  it('ingests before callbacks already due in this turn of the loop (bench figure 2)', async () => {
    const { live, batches } = setup();
    // Another socket's read handled in the same turn (in figure 2, the sender core's ack), or a timer:
    // the arrival's commit and UI event waited for all of them behind a setImmediate.
    const seenByOthers: number[] = [];
    const other = new Promise<void>((resolve) =>
      setImmediate(() => {
        seenByOthers.push(batches.length);
        resolve();
      }),
    );
    live.add(message(1));
    await other;
    expect(seenByOthers).toEqual([1]);
  });

  it('flush() ingests at once and nothing is ingested twice', async () => {
    const { live, batches } = setup();
    live.add(message(1));
    live.flush();
    expect(batches).toEqual([['m1']]);
    await new Promise((r) => setImmediate(r));
    expect(batches).toEqual([['m1']]);
  });

  it('a burst past the limit is committed at once', () => {
    const { live, batches } = setup();
    for (let i = 0; i < MAX_LIVE_BATCH; i++) live.add(message(i));
    expect(batches).toHaveLength(1);
    expect(batches[0]).toHaveLength(MAX_LIVE_BATCH);
  });

  it('reports a failing ingest instead of throwing it into the loop', async () => {
    const faults: string[] = [];
    const live = new LiveArrivals(
      () => {
        throw new Error('disk full');
      },
      (where) => faults.push(where),
    );
    live.add(message(1));
    await new Promise((r) => setImmediate(r));
    expect(faults).toEqual(['ingesting live messages']);
  });
});
