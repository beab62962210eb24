import { describe, expect, it } from 'vitest';
import { FakeRelay, fakeId, makeMessage } from '../testing/fake-relay';
import { mergeMessages, upsertMessage, upsertMessages } from './message-list';

const channelId = new FakeRelay().channels[0]!.id;

describe('message lists', () => {
  it('inserts by seq wherever a message arrives', () => {
    let list = [3, 1, 5, 2, 4].reduce(
      (acc, seq) => upsertMessage(acc, makeMessage(channelId, { seq })),
      [] as ReturnType<typeof makeMessage>[],
    );
    list = upsertMessage(list, makeMessage(channelId, { id: undefined, key: 'pending', seq: undefined }));
    expect(list.map((m) => m.seq ?? m.key)).toEqual([1, 2, 3, 4, 5, 'pending']);
  });

  it('never holds one message twice, matched by key or by server id', () => {
    const id = fakeId();
    const ours = makeMessage(channelId, { id: undefined, key: 'client-key', own: true, status: 'Sending' });
    let list = upsertMessage([], ours);
    list = upsertMessage(list, { ...ours, id, seq: 1, status: 'Sent' });
    // The same message again under its server id as key (e.g. from a history page).
    list = upsertMessage(list, { ...ours, key: id, id, seq: 1, status: 'Delivered' });
    expect(list).toHaveLength(1);
    expect(list[0]!.status).toBe('Delivered');
  });

  it('upserts a batch as if each message came in turn', () => {
    const id = fakeId();
    const ours = makeMessage(channelId, { id: undefined, key: 'client-key', own: true, status: 'Sending' });
    const held = [1, 2, 4].map((seq) => makeMessage(channelId, { seq, content: `held ${seq}` }));
    const list = upsertMessage(held, ours);
    const batch = [
      makeMessage(channelId, { seq: 3 }),
      { ...held[1]!, content: 'edited 2' },
      { ...ours, id, seq: 5, status: 'Sent' as const },
      makeMessage(channelId, { seq: 6 }),
      // The same message twice in one batch, the second time under its server id as key.
      { ...ours, key: id, id, seq: 5, status: 'Delivered' as const },
    ];
    const oneByOne = batch.reduce((acc, m) => upsertMessage(acc, m), list);
    const together = upsertMessages(list, batch);
    expect(together).toEqual(oneByOne);
    expect(together.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(together.find((m) => m.seq === 5)?.status).toBe('Delivered');
  });

  it('merges a page, keeping our copy or theirs as asked', () => {
    const a = makeMessage(channelId, { seq: 1, content: 'old a' });
    const b = makeMessage(channelId, { seq: 2, content: 'old b' });
    const fresh = { ...b, content: 'new b' };
    const c = makeMessage(channelId, { seq: 3 });
    expect(mergeMessages([a, b], [fresh, c], 'existing').map((m) => m.content)).toEqual([
      'old a',
      'old b',
      c.content,
    ]);
    expect(mergeMessages([a, b], [fresh, c], 'page').map((m) => m.content)).toEqual([
      'old a',
      'new b',
      c.content,
    ]);
  });
});
