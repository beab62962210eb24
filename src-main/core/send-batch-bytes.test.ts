/**
 * A batch's byte bound (send-batch.ts): every batch `batchesOf` makes stays, on the wire, within what the
 * longest single send takes (BATCH_BYTES), whatever its content is made of (the slow-link property,
 * send-batch-slow-link.test.ts, rests on it).
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MAX_CONTENT_LENGTH, MessageDeliveryStatus } from '../../src-shared/protocol';
import type { OperationRow } from '../store/store';
import { BATCH_BYTES, batchesOf, wireBytesAtMost } from './send-batch';

const CHANNEL = randomUUID();
const DEVICE = randomUUID();

function row(content: string, seq: number, files: { id: string }[] = []): OperationRow {
  return {
    ord: seq,
    op_id: randomUUID(),
    kind: 'send',
    channel_id: CHANNEL,
    message_key: randomUUID(),
    content,
    parent_id: randomUUID(),
    emoji: null,
    queued_at: 0,
    attempts: 0,
    next_attempt_at: 0,
    state: 'pending',
    failure_code: null,
    failure_message: null,
    device_seq: seq,
    file_path: null,
    file_name: null,
    file_mime: null,
    file_size: null,
    files_json: JSON.stringify(files.map((f) => ({ ...f, name: 'a name.png', size: 1, mime: 'image/png' }))),
  };
}

/** An item as the outbox sends it (outbox.ts payloadOf), every optional field present. */
function item(r: OperationRow) {
  const files = JSON.parse(r.files_json) as { id: string }[];
  return {
    content: r.content,
    channelId: r.channel_id,
    parentId: r.parent_id,
    deliveryStatus: MessageDeliveryStatus.SENT,
    clientMessageId: r.op_id,
    deviceId: DEVICE,
    deviceSeq: r.device_seq,
    fileIds: files.map((f) => f.id),
  };
}

const utf8 = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');

const FILLER = ' the quick brown fox jumps over the lazy dog, then reviews the pull request before lunch';

describe('a batch of sends, by its bytes', () => {
  it('keeps every batch within the longest single send on the wire, whatever the content', () => {
    const contents = [
      `m1${FILLER}`,
      '"\\'.repeat(40),
      '\u0001\n\t'.repeat(30),
      '😀'.repeat(50),
      '漢字'.repeat(70),
      'é'.repeat(MAX_CONTENT_LENGTH),
      '\u0001'.repeat(MAX_CONTENT_LENGTH),
      'x'.repeat(MAX_CONTENT_LENGTH),
    ];
    const rows = Array.from({ length: 400 }, (_, i) =>
      row(contents[i % contents.length]!, 2_000_000_000 + i, i % 3 ? [] : [{ id: randomUUID() }]),
    );
    for (const r of rows) expect(utf8(item(r))).toBeLessThanOrEqual(wireBytesAtMost(r));
    // The bound is what the longest single send (control characters, six bytes each) takes, not more.
    const longest = utf8(item(row('\u0001'.repeat(MAX_CONTENT_LENGTH), 2_000_000_000)));
    expect(longest).toBeLessThanOrEqual(BATCH_BYTES);
    expect(longest).toBeGreaterThan(BATCH_BYTES - 320);
    const batches = batchesOf(rows, 64);
    expect(batches.flat()).toEqual(rows);
    for (const batch of batches)
      if (batch.length > 1) expect(utf8({ items: batch.map(item) })).toBeLessThanOrEqual(BATCH_BYTES);
  });
});
