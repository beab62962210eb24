/**
 * A channel whose messages were all edited while an app was away (the changes feed's catch-up: bench
 * figure 12, changes-catch-up.test.ts): `count` messages by `userId`, then an edit of each, written
 * straight into the test server's store, a hundred at a time.
 */
import { randomUUID } from 'node:crypto';
import type { TestServer } from '../../../src-server/testing';
import type { Message } from '../../../src-shared/protocol';

const BATCH = 100;

/** The messages as first stored (as an app received them); each now reads `${content} (fixed)`. */
export async function editedMessages(
  server: TestServer,
  channelId: string,
  userId: string,
  count: number,
): Promise<Message[]> {
  const received: Message[] = [];
  for (let i = 0; i < count; i += BATCH) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(BATCH, count - i) }, (_, j) =>
        server.store.insertMessage({
          id: randomUUID(),
          channelId,
          userId,
          content: `message ${i + j}`,
          createdAt: new Date().toISOString(),
        }),
      ),
    );
    received.push(...batch.map((b) => b.message));
  }
  for (let i = 0; i < count; i += BATCH) {
    await Promise.all(
      received.slice(i, i + BATCH).map((m) =>
        server.store.changeMessage({
          opId: randomUUID(),
          userId,
          messageId: m.id,
          moderator: false,
          change: { kind: 'edit', content: fixed(m), mentions: [] },
          at: new Date().toISOString(),
        }),
      ),
    );
  }
  return received;
}

/** A message's text after its edit. */
export const fixed = (m: Message) => `${m.content} (fixed)`;
