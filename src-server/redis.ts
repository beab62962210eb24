/** REDIS_URL: several instances share rooms and broadcasts through the Socket.IO Redis adapter. */
import { createAdapter } from '@socket.io/redis-adapter';
import type { Logger } from 'pino';
import { createClient } from 'redis';
import type { RelayServer } from './socket/types';

export async function attachRedisAdapter(
  io: RelayServer,
  url: string,
  logger: Logger,
): Promise<{ client: ReturnType<typeof createClient>; close(): Promise<void> }> {
  const pub = createClient({ url });
  const sub = pub.duplicate();
  for (const client of [pub, sub]) client.on('error', (err: unknown) => logger.error({ err }, 'redis error'));
  await Promise.all([pub.connect(), sub.connect()]);
  io.adapter(createAdapter(pub, sub));
  logger.info('redis adapter attached');
  return {
    // The publishing connection also serves other shared state (the message rate limit).
    client: pub,
    async close() {
      // Stop listening first: a request arriving now would be answered through a closed publisher.
      await sub.quit().catch(() => {});
      await pub.quit().catch(() => {});
    },
  };
}
