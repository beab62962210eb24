/**
 * Property: a batch of acks applied together (set-based, one statement per step for the whole batch:
 * bench figure 6) leaves the store exactly as the same acks applied one at a time would, whatever the
 * batch holds: repeats (the ack and `message:sent` both bring one), acks of unknown messages, acks of
 * messages already acknowledged, receipts that came before their ack.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { MessageSent } from '../../src-shared/protocol';
import { LocalStore } from './store';
import { bob, me, queueOwn, testChannel } from './testing/store-fixture';

const channels = [testChannel([me, bob]), testChannel([me, bob])];
let dir: string;
let together: LocalStore;
let oneByOne: LocalStore;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'relay-acks-'));
  together = LocalStore.open({ file: join(dir, 'together.sqlite'), selfId: me.id });
  oneByOne = LocalStore.open({ file: join(dir, 'one-by-one.sqlite'), selfId: me.id });
  for (const s of [together, oneByOne]) s.saveChannels(channels);
});
afterAll(() => {
  together.close();
  oneByOne.close();
  rmSync(dir, { recursive: true, force: true });
});

let seq = 0;

const plan = fc.array(
  fc.record({
    channel: fc.integer({ min: 0, max: 1 }),
    /** Acked before the batch (the batch's ack is then a repeat). */
    ackedBefore: fc.boolean(),
    /** Times it is in the batch (0: not acked now; 2-3: repeats). */
    times: fc.integer({ min: 0, max: 3 }),
    receipt: fc.constantFrom<'none' | 'DELIVERED' | 'READ'>('none', 'DELIVERED', 'READ'),
  }),
  { minLength: 1, maxLength: 10 },
);

it('applies a batch of acks as one at a time would', () => {
  fc.assert(
    fc.property(plan, fc.integer({ min: 0, max: 2 }), fc.integer(), (messages, unknown, shuffle) => {
      const at = new Date().toISOString();
      const sent = messages.map((m) => {
        const cmid = randomUUID();
        const ack: MessageSent = {
          ok: true,
          messageId: randomUUID(),
          channelId: channels[m.channel]!.id,
          clientMessageId: cmid,
          status: 'SENT' as never,
          seq: ++seq,
          createdAt: at,
        };
        for (const s of [together, oneByOne]) {
          queueOwn(s, { clientMessageId: cmid, channelId: ack.channelId, content: 'x', createdAt: at });
          if (m.receipt !== 'none')
            s.applyReceipt({
              messageId: ack.messageId,
              channelId: ack.channelId,
              userId: bob.id,
              status: m.receipt as never,
              at,
            });
          if (m.ackedBefore) s.applyAck(ack);
        }
        return { ack, times: m.times };
      });
      const batch: MessageSent[] = sent.flatMap(({ ack, times }) => Array.from({ length: times }, () => ack));
      for (let i = 0; i < unknown; i++)
        batch.push({ ...sent[0]!.ack, clientMessageId: randomUUID(), messageId: randomUUID(), seq: ++seq });
      // A fixed shuffle per run: repeats need not be next to each other.
      batch.sort((a, b) => hash(a.messageId, shuffle) - hash(b.messageId, shuffle));

      const batchResults = together.transaction(() => together.applyAcks(batch));
      const singleResults = batch.map((ack) => oneByOne.applyAck(ack));

      const state = (s: LocalStore) => ({
        rows: sent.map(({ ack }) => s.messageByKey(ack.clientMessageId!)),
        outbox: s.outbox().map((o) => o.op_id),
        counts: s.outboxCounts(),
        lastSeq: channels.map((c) => s.channel(c.id)?.last_seq),
      });
      expect(state(together)).toEqual(state(oneByOne));
      // What changed (for the UI) is what changed one at a time, in its final state.
      const changed = (
        results: ({ row: { key: string }; changed: boolean; confirmedSend: boolean } | undefined)[],
      ) => {
        const byKey = new Map<string, unknown>();
        for (const r of results) if (r?.changed || r?.confirmedSend) byKey.set(r.row.key, r.row);
        return [...byKey.keys()].sort();
      };
      expect(changed(batchResults)).toEqual(changed(singleResults));
      for (const r of batchResults) expect(r.row).toEqual(together.messageByKey(r.row.key));
    }),
    { numRuns: 60 },
  );
});

function hash(text: string, salt: number): number {
  let h = salt | 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 2654435761);
  return h;
}
