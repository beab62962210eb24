/**
 * The Store contract's messages-that-change half (store/changes.ts), run against every store beside
 * contract.ts: `changesContract(fixture)` in sqlite-store.test.ts and postgres-store.test.ts. What the
 * socket suite cannot pin down from outside: changeSeq numbering and opIds raced across two instances.
 */
import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import type { ChangeRequest, MessageChange } from './changes';
import { newMessage, type StoreFixture, storePerTest } from './contract';
import { seedDemo } from './demo';
import type { Store } from './types';

export function changesContract(makeFixture: () => Promise<StoreFixture>): void {
  const open = storePerTest(makeFixture);

  async function setUp(store: Store) {
    await seedDemo(store);
    const alice = (await store.findUserByUsername('alice'))!;
    const bob = (await store.findUserByUsername('bob'))!;
    const general = await store.ensureChannel('general');
    const post = async (content: string) =>
      (await store.insertMessage(newMessage(general.id, alice.id, { content }))).message;
    return { alice, bob, general, post };
  }

  const request = (
    userId: string,
    messageId: string,
    change: MessageChange,
    opId = randomUUID(),
  ): ChangeRequest => ({
    opId,
    userId,
    messageId,
    moderator: false,
    change,
    at: new Date().toISOString(),
  });
  const thumbsUp: MessageChange = { kind: 'react', emoji: '👍', add: true };

  it('gives every change the channel’s next changeSeq, after the ones new messages took', async () => {
    const store = await open();
    const { alice, bob, general, post } = await setUp(store);
    const [m1, m2] = [await post('one'), await post('two')];
    expect([m1.changeSeq, m2.changeSeq]).toEqual([1, 2]);
    const edited = await store.changeMessage(
      request(alice.id, m1.id, { kind: 'edit', content: 'one!', mentions: [bob.id] }),
    );
    expect(edited).toMatchObject({ status: 'applied', changed: true, answer: { changeSeq: 3 } });
    expect(edited.status === 'applied' && edited.message).toMatchObject({
      content: 'one!',
      mentions: [bob.id],
    });
    expect(await store.changeMessage(request(bob.id, m2.id, thumbsUp))).toMatchObject({
      answer: { changeSeq: 4 },
    });
    // Already there: applied (and recorded), but nothing changed, so no changeSeq was taken.
    expect(await store.changeMessage(request(bob.id, m2.id, thumbsUp))).toMatchObject({
      status: 'applied',
      changed: false,
      answer: { changeSeq: 4 },
    });
    expect((await post('three')).changeSeq).toBe(5);
    expect((await store.listChanges(general.id, 2, 10)).messages.map((m) => m.content)).toEqual([
      'one!',
      'two',
      'three',
    ]);
    expect(
      await store.changeMessage(request(bob.id, m1.id, { kind: 'edit', content: 'x', mentions: [] })),
    ).toEqual({
      status: 'refused',
      reason: 'not_author',
    });
    expect(await store.changeMessage(request(bob.id, randomUUID(), thumbsUp))).toEqual({
      status: 'refused',
      reason: 'not_found',
    });
  });

  it('applies an opId once when copies race on two instances, and answers every copy alike', async () => {
    const [a, b] = [await open(), await open()];
    const { bob, general, post } = await setUp(a);
    const message = await post('race');
    const opId = randomUUID();
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        (i % 2 ? a : b).changeMessage(request(bob.id, message.id, thumbsUp, opId)),
      ),
    );
    expect(results.filter((r) => r.status === 'applied')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'replayed')).toHaveLength(7);
    const answers = new Set(results.map((r) => (r.status === 'refused' ? r : JSON.stringify(r.answer))));
    expect(answers.size).toBe(1);
    expect(await b.appliedOp(bob.id, opId)).toEqual(results[0]!.status !== 'refused' && results[0]!.answer);
    const changes = await b.listChanges(general.id, 0, 10);
    expect(changes).toMatchObject({
      changeSeq: 2,
      messages: [{ reactions: [{ emoji: '👍', userIds: [bob.id] }] }],
    });
  });

  it('numbers concurrent changes of one channel on two instances one after another, none twice', async () => {
    const [a, b] = [await open(), await open()];
    const { alice, general, post } = await setUp(a);
    const messages = [await post('a'), await post('b'), await post('c')];
    const results = await Promise.all(
      Array.from({ length: 9 }, (_, i) =>
        (i % 2 ? a : b).changeMessage(
          request(alice.id, messages[i % 3]!.id, { kind: 'edit', content: `edit ${i}`, mentions: [] }),
        ),
      ),
    );
    const seqs = results.map((r) => (r.status === 'applied' ? r.answer.changeSeq : 0)).sort((x, y) => x - y);
    expect(seqs).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const { messages: latest } = await a.listChanges(general.id, 0, 10);
    // Each message holds the edit that took the highest changeSeq among its own.
    for (const m of latest) {
      const own = results.filter((r) => r.status === 'applied' && r.answer.messageId === m.id);
      const last = own.sort((x, y) =>
        x.status === 'applied' && y.status === 'applied' ? y.answer.changeSeq - x.answer.changeSeq : 0,
      )[0];
      expect(last?.status === 'applied' && last.message.content).toBe(m.content);
      expect(last?.status === 'applied' && last.answer.changeSeq).toBe(m.changeSeq);
    }
  });
}
