import { describe, expect, it } from 'vitest';
import type { MessageView } from '../../src-shared/bridge';
import { paintWorkDone } from '../messages/after-paint';
import { FakeRelay, makeMessage, relayWithGeneral } from '../testing/fake-relay';
import { createAppStore, subscribeToCore } from './app-store';
import { upsertMessages } from './message-list';
import { UPSERT_SLICE } from './paced-upserts';

/** A booted window over `relay` with the open channel's newest page in, and each list it showed. */
async function openChannel(relay: FakeRelay, channelId: string) {
  const store = createAppStore(relay.api, 'electron');
  subscribeToCore(relay.api, store);
  await store.getState().boot();
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
  const shown: MessageView[][] = [];
  store.subscribe((state, previous) => {
    const list = state.histories[channelId]?.messages;
    if (list && list !== previous.histories[channelId]?.messages) shown.push(list);
  });
  return { store, shown, held: () => store.getState().histories[channelId]!.messages };
}

/** Until nothing waits for a frame any more (each slice asks for the next one after its frame). */
async function drained(): Promise<void> {
  for (let i = 0; i < 20; i++) await paintWorkDone();
}

const contents = (list: readonly MessageView[]) => list.map((m) => `${m.seq}:${m.content}`);

describe("the open channel's batches, a slice a task (figure 13)", () => {
  it('applies a batch larger than a slice a slice per update, and ends as the whole batch applied at once', async () => {
    const { relay, general } = relayWithGeneral(10);
    const { store, shown, held } = await openChannel(relay, general.id);
    const before = held();
    // New messages, one of them twice (the later copy wins), and an edit of one held before.
    const fresh = Array.from({ length: 30 }, (_, i) =>
      makeMessage(general.id, { seq: 11 + i, content: `new ${11 + i}` }),
    );
    const batch = [
      ...fresh,
      { ...fresh[3]!, content: 'new 14, edited' },
      { ...before[4]!, content: 'edited' },
    ];
    relay.emit('messagesUpserted', batch);
    // The first slice is in at once, in the batch's own update.
    expect(held()).toEqual(upsertMessages(before, batch.slice(0, UPSERT_SLICE)));
    await drained();
    expect(held()).toEqual(upsertMessages(before, batch));
    // Each update added one slice more of the batch, in order: never a later message before an earlier.
    expect(shown.map(contents)).toEqual(
      Array.from({ length: Math.ceil(batch.length / UPSERT_SLICE) }, (_, i) =>
        contents(upsertMessages(before, batch.slice(0, (i + 1) * UPSERT_SLICE))),
      ),
    );
    expect(store.getState().activeChannelId).toBe(general.id);
  });

  it('lets no later batch or message overtake a batch still waiting, and a removal applies what waits first', async () => {
    const { relay, general } = relayWithGeneral(10);
    const { shown, held } = await openChannel(relay, general.id);
    const before = held();
    const first = Array.from({ length: 20 }, (_, i) =>
      makeMessage(general.id, { seq: 11 + i, content: `v1 ${11 + i}` }),
    );
    relay.emit('messagesUpserted', first);
    // While most of it waits: a newer copy of one of its messages alone, then a batch after it.
    const edited = { ...first[15]!, content: 'v2' };
    relay.emit('messageUpserted', edited);
    const second = [
      makeMessage(general.id, { seq: 31, content: 'v1 31' }),
      makeMessage(general.id, { seq: 32, content: 'v1 32' }),
    ];
    relay.emit('messagesUpserted', second);
    expect(held()).toHaveLength(before.length + UPSERT_SLICE);
    await drained();
    expect(contents(held())).toEqual(contents(upsertMessages(before, [...first, edited, ...second])));
    // No list shown had a message of the second batch before all of the first, nor the edit undone.
    for (const list of shown) {
      if (list.some((m) => m.seq! > 30)) expect(list.filter((m) => m.seq! > 10)).toHaveLength(20 + 2);
    }
    const editedSeen = shown.findIndex((list) => list.some((m) => m.content === 'v2'));
    for (const list of shown.slice(editedSeen)) expect(list.find((m) => m.seq === 26)?.content).toBe('v2');

    // A removal while a batch waits: the batch goes in first, then the removal, which stays removed.
    const third = Array.from({ length: 20 }, (_, i) =>
      makeMessage(general.id, { seq: 33 + i, content: `v1 ${33 + i}` }),
    );
    relay.emit('messagesUpserted', third);
    relay.emit('messageRemoved', { channelId: general.id, key: third.at(-1)!.key });
    expect(held().at(-1)!.seq).toBe(51);
    await drained();
    expect(held().map((m) => m.seq)).toEqual(Array.from({ length: 51 }, (_, i) => i + 1));
  });

  it('drops what waits of a channel no longer held (left) instead of bringing its list back', async () => {
    const relay = new FakeRelay();
    const [general, other] = relay.channels;
    relay.seed(general!.id, 3);
    const { store } = await openChannel(relay, general!.id);
    relay.emit(
      'messagesUpserted',
      Array.from({ length: 20 }, (_, i) => makeMessage(general!.id, { seq: 4 + i })),
    );
    relay.emit('channels', [other!]);
    await drained();
    expect(store.getState().histories[general!.id]).toBeUndefined();
  });
});
