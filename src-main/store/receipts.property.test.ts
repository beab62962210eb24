/**
 * Property: whatever order an ack, history echoes of our own message and receipts (early, duplicate, late) arrive
 * in, a message's status ends as the highest any recipient reached, and each recipient's entry as
 * their highest: a status never goes back.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { serverMessage } from '../../src-shared/testing/messages';
import { LocalStore } from './store';
import { me, queueOwn, testChannel } from './testing/store-fixture';

const recipients = [randomUUID(), randomUUID(), randomUUID()];
const channelId = randomUUID();
const RANK = { SENT: 0, DELIVERED: 1, READ: 2 } as const;
type Status = keyof typeof RANK;

let dir: string;
let store: LocalStore;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'relay-prop-'));
  store = LocalStore.open({ file: join(dir, 'db.sqlite'), selfId: me.id });
  store.saveChannels([
    { ...testChannel([me, ...recipients.map((id, i) => ({ id, name: `user${i}` }))]), id: channelId },
  ]);
});
afterAll(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const event = fc.oneof(
  fc.constant({ kind: 'ack' as const }),
  fc.constant({ kind: 'history' as const }),
  fc.record({
    kind: fc.constant('receipt' as const),
    user: fc.integer({ min: 0, max: recipients.length - 1 }),
    status: fc.constantFrom<Status>('DELIVERED', 'READ'),
  }),
);

let seq = 0;

it('ends at the highest status, whatever the arrival order', () => {
  fc.assert(
    fc.property(fc.array(event, { minLength: 1, maxLength: 12 }), (events) => {
      const cmid = randomUUID();
      const messageId = randomUUID();
      const mySeq = ++seq;
      const at = new Date().toISOString();
      queueOwn(store, { clientMessageId: cmid, channelId, content: 'x', createdAt: at });
      const best = new Map<string, Status>();
      let acked = false;
      for (const e of [...events, { kind: 'ack' as const }]) {
        if (e.kind === 'ack') {
          store.applyAck({
            ok: true,
            messageId,
            channelId,
            clientMessageId: cmid,
            status: 'SENT' as never,
            seq: mySeq,
            createdAt: at,
          });
          acked = true;
        } else if (e.kind === 'history') {
          // Our own message coming back in a history page (the ack may not have arrived yet).
          store.upsertServerMessage(
            serverMessage({
              id: messageId,
              content: 'x',
              channelId,
              user: me,
              seq: mySeq,
              at,
              clientMessageId: cmid,
            }),
          );
        } else {
          const userId = recipients[e.user] as string;
          store.applyReceipt({ messageId, channelId, userId, status: e.status as never, at });
          const prev = best.get(userId);
          if (!prev || RANK[e.status] > RANK[prev]) best.set(userId, e.status);
        }
      }
      expect(acked).toBe(true);
      const expected = [...best.values()].reduce<Status>((a, b) => (RANK[b] > RANK[a] ? b : a), 'SENT');
      expect(store.messageByKey(cmid)?.status).toBe(expected);
      const stored = new Map(store.receiptsFor(messageId).map((r) => [r.user_id, r.status]));
      expect(stored).toEqual(best);
      expect(store.outboxRow(cmid)).toBeUndefined();
      expect(store.allInChannel(channelId).filter((r) => r.client_message_id === cmid)).toHaveLength(1);
    }),
    { numRuns: 150 },
  );
});
