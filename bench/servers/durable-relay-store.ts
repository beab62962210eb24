/**
 * The durable relay's insert done by the real server's own store (DURABLE_RELAY_STORE=server): the
 * server's migrations and pragmas, its writer (inline at idle, the writer thread otherwise) and its
 * insert's one transaction, all of it and nothing else: no validation, no membership or rate limit, no
 * answer to the sender beyond the relay's ack. What the server's storage costs a message on its own.
 *
 * Every relayed message is stored as one seeded user's in one seeded channel: the rows and indexes a
 * message writes do not depend on who sent it.
 */
import { uuidV7 } from '../../src-server/ids/uuid-v7';
import type { Synchronous } from '../../src-server/store/sqlite/sqlite-database';
import { SqliteStore } from '../../src-server/store/sqlite/sqlite-store';
import type { RelayedMessage, StoreMessage } from './relay';

export async function serverStore(dataDir: string, synchronous: Synchronous): Promise<StoreMessage> {
  const store = await SqliteStore.open(dataDir, { synchronous });
  const user = await store.ensureUser({
    username: 'relay',
    name: 'Relay',
    passwordHash: 'none: nobody signs in',
  });
  const channel = await store.ensureChannel('relay');
  await store.addMember(channel.id, user.id);
  process.on('SIGTERM', () => {
    void store.close().then(() => process.exit(0));
  });
  return async (message: RelayedMessage) => {
    await store.insertMessage({
      id: uuidV7(),
      channelId: channel.id,
      userId: user.id,
      content: message.content ?? '',
      clientMessageId: message.clientMessageId,
      createdAt: new Date().toISOString(),
      mentions: [],
    });
  };
}
