/**
 * A catch-up's history page checked a slice at a time (api.ts, `SlicedPage`; bench figure 13): the
 * page is answered before its messages are checked, each slice is checked when it is taken, and a
 * message that does not pass fails its slice as it failed the whole page.
 */
import { describe, expect, it } from 'vitest';
import { BridgeFailure } from '../../src-shared/bridge';
import { createApiClient } from './api';

const BOB = '00000000-0000-4000-8000-000000000002';

function message(seq: number) {
  const at = new Date(1_700_000_000_000 + seq).toISOString();
  return {
    id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    channelId: '00000000-0000-4000-8000-000000000001',
    userId: BOB,
    seq,
    changeSeq: seq,
    user: { id: BOB, name: 'bob' },
    content: `m-${seq}`,
    createdAt: at,
    updatedAt: at,
    deliveryStatus: 'SENT',
  };
}

/** An API client whose server answers every request with `body` as JSON. */
function answering(body: unknown) {
  const fetchFn = (async () => new Response(JSON.stringify(body), { status: 200 })) as typeof fetch;
  return createApiClient(fetchFn, 5_000);
}

const page = (messages: unknown[], hasMore = true) => ({ messages, hasMore });

describe('historyInSlices', () => {
  it('gives the same messages as the whole page, slice by slice, with the last one for the next page', async () => {
    const messages = Array.from({ length: 60 }, (_, i) => message(i + 1));
    const api = answering(page(messages));
    const whole = await api.history('http://server', 't', 'c', { after: 0, limit: 500 });
    const sliced = await api.historyInSlices('http://server', 't', 'c', { after: 0, limit: 500 });
    expect(sliced.count).toBe(60);
    expect(sliced.hasMore).toBe(true);
    expect(sliced.last).toEqual(whole.messages.at(-1));
    expect([...sliced.slice(0, 25), ...sliced.slice(25, 50), ...sliced.slice(50, 75)]).toEqual(
      whole.messages,
    );
  });

  it('fails only the slice that holds a message the schema refuses', async () => {
    const messages: unknown[] = Array.from({ length: 60 }, (_, i) => message(i + 1));
    messages[30] = { ...message(31), seq: 'thirty-one' };
    const api = answering(page(messages));
    // The whole page is refused at once; in slices, what comes before the bad message still reads.
    await expect(api.history('http://server', 't', 'c', {})).rejects.toBeInstanceOf(BridgeFailure);
    const sliced = await api.historyInSlices('http://server', 't', 'c', {});
    expect(sliced.slice(0, 25).map((m) => m.seq)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(() => sliced.slice(25, 50)).toThrow(BridgeFailure);
  });

  it('refuses a page whose envelope or last message does not pass', async () => {
    await expect(
      answering({ messages: 'none', hasMore: false }).historyInSlices('http://server', 't', 'c', {}),
    ).rejects.toBeInstanceOf(BridgeFailure);
    await expect(
      answering(page([message(1), { id: 'x' }])).historyInSlices('http://server', 't', 'c', {}),
    ).rejects.toBeInstanceOf(BridgeFailure);
    const empty = await answering(page([], false)).historyInSlices('http://server', 't', 'c', {});
    expect(empty).toMatchObject({ count: 0, last: undefined, hasMore: false });
    expect(empty.slice(0, 25)).toEqual([]);
  });
});
