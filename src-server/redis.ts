/** REDIS_URL: several instances share rooms and broadcasts through the Socket.IO Redis adapter. */
import { createAdapter } from '@socket.io/redis-adapter';
import type { Logger } from 'pino';
import { createClient } from 'redis';
import type { RelayServer } from './socket/types';

export async function attachRedisAdapter(
  io: RelayServer,
  url: string,
  logger: Logger,
): Promise<{ client: ReturnType<typeof createClient>; close(): Promise<void>; ping(): Promise<void> }> {
  // No offline queue: while Redis is away a command fails at once (readiness says so at once, the shared
  // message limit falls back to counting locally) instead of waiting, and a shutdown has nothing to abandon.
  const pub = createClient({ url, disableOfflineQueue: true });
  const sub = pub.duplicate();
  for (const client of [pub, sub]) client.on('error', (err: unknown) => logger.error({ err }, 'redis error'));
  await Promise.all([pub.connect(), sub.connect()]);
  io.adapter(createAdapter(pub, sub));
  logger.info('redis adapter attached');
  return {
    /** For /readyz: rejects when Redis does not answer (node-redis queues commands while it reconnects). */
    async ping() {
      // The subscriber matters as much: without it this instance misses the others' broadcasts.
      if (!sub.isReady) throw new Error('the Redis subscriber is not connected');
      await pub.ping();
    },
    // The publishing connection also serves other shared state (the message rate limit).
    client: pub,
    async close() {
      // Stop listening first: a request arriving now would be answered through a closed publisher.
      for (const client of [sub, pub]) await closeRedisClient(client);
    },
  };
}

/**
 * Closes a node-redis client: QUIT when connected; cut when not. A client that is not connected (Redis
 * down, or the client still reconnecting after Redis came back) would wait for ever on QUIT, and so would
 * the server's shutdown.
 */
export async function closeRedisClient(client: {
  isReady: boolean;
  quit(): Promise<unknown>;
  destroy(): void;
}) {
  if (client.isReady) await client.quit().catch(() => {});
  else client.destroy();
}
