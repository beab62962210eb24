/**
 * A hostile `message:send:batch` (review of stop 25): bad items (malformed, oversized, wrong types) are
 * refused one by one while the good ones around them are stored, the connection stays up, and the log
 * is not the echo of the frame. A refused `message:send` writes one line; a batch is up to 64 refusals
 * in a few hundred bytes (`{}` is an item), so a line per item made the log ~8x cheaper to flood per
 * byte sent than single sends do.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  MAX_CONTENT_LENGTH,
  MAX_SEND_BATCH_ITEMS,
  RelayEvent,
  SendBatchAck,
} from '../../src-shared/protocol';
import { createLogger } from '../logger';
import { demoServer, emitWithAck } from '../testing';

const demo = demoServer();
afterEach(() => demo.stop());

/** The server's log lines at info and above, parsed. */
function logLines() {
  const lines: { msg: string; level: number }[] = [];
  const logger = createLogger('info', { write: (line: string) => lines.push(JSON.parse(line)) });
  return { lines, logger };
}

describe('a hostile message:send:batch', () => {
  it('refuses each bad item alone, stores the good ones, stays connected and logs the batch once', async () => {
    const { lines, logger } = logLines();
    await demo.start({ messageRateLimit: 0, logger });
    const alice = await demo.as('alice');
    const good = (i: number) => ({
      content: `ok ${i}`,
      channelId: demo.general.id,
      clientMessageId: randomUUID(),
    });
    const bad: unknown[] = [
      {},
      null,
      7,
      'text',
      { content: 'x'.repeat(MAX_CONTENT_LENGTH + 1), channelId: demo.general.id },
      { content: 'wrong type', channelId: 42 },
      { content: ['not', 'a', 'string'], channelId: demo.general.id },
    ];
    const items = Array.from({ length: MAX_SEND_BATCH_ITEMS }, (_, i) =>
      i % 8 === 0 ? good(i) : bad[i % bad.length],
    );
    const before = lines.length;
    const ack = SendBatchAck.parse(await emitWithAck(alice.socket, RelayEvent.SEND_BATCH, { items }));
    if (!Array.isArray(ack)) throw new Error(`refused whole: ${ack.code}`);
    expect(ack.map((a) => (a.ok ? 'ok' : a.code))).toEqual(
      items.map((_, i) => (i % 8 === 0 ? 'ok' : 'VALIDATION')),
    );
    expect(alice.socket.connected).toBe(true);
    const refusalLines = lines.slice(before).filter((l) => /refused/.test(l.msg));
    expect(refusalLines.length).toBeLessThanOrEqual(1);
  });
});
