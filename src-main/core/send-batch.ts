/**
 * How a channel's due sends go out together: `message:send:batch` (a server addition, RelayEvent), used
 * only on a socket whose server announced it (`relay:features`). A replay's cost was a frame in and a
 * frame out per message, each decoded, parsed and dispatched on both sides (BENCHMARKS.md, replay21);
 * a batch is one of each for up to MAX_SEND_BATCH_ITEMS sends. The server answers each item exactly as
 * that `message:send` alone, so order, exactly-once and every refusal are the single path's.
 */
import { MAX_CONTENT_LENGTH, MAX_SEND_BATCH_ITEMS, type RelayFeatures } from '../../src-shared/protocol';
import type { OperationRow } from '../store/store';
import type { AckOutcome } from './ack';
import type { RelaySocket } from './connection';

/** At most the bytes on the wire of a send of `contentLength` UTF-16 units and `filesJson`'s files. */
function bytesAtMost(contentLength: number, filesJsonLength: number): number {
  // A unit of content is at most 6 bytes in JSON (`\u0001`), the file ids fewer than their row's JSON,
  // and the other fields ~280 bytes.
  return 6 * contentLength + filesJsonLength + 320;
}

/** At most the bytes of one item on the wire (bounded without encoding it). */
export function wireBytesAtMost(row: OperationRow): number {
  return bytesAtMost(row.content?.length ?? 0, row.files_json.length);
}

/**
 * A batch's items' bytes are kept under this: at most what the longest single send takes (12 KB, far
 * under the transport's MAX_FRAME_BYTES). A batch is answered only once all of it has crossed the link,
 * and the ack deadlines wait an ack timeout for each answer and take a connection silent that long for
 * stalled (ack-deadline.ts): a batch bigger than any single send would time out, and have its
 * connection recycled, on a slow link that carries single sends fine (send-batch-slow-link.test.ts).
 */
export const BATCH_BYTES = bytesAtMost(MAX_CONTENT_LENGTH, 0);

/** The server's batches, for the socket that said so. */
export class BatchSupport {
  private said: { socket: RelaySocket; maxItems: number } | null = null;

  /** `relay:features` from `socket`. */
  announced(socket: RelaySocket, features: RelayFeatures): void {
    const maxItems = Math.min(features.sendBatch?.maxItems ?? 1, MAX_SEND_BATCH_ITEMS);
    this.said = maxItems >= 2 ? { socket, maxItems } : null;
  }

  /** The batch refused whole: this connection sends one by one from now on. */
  refused(socket: RelaySocket): void {
    if (this.said?.socket === socket) this.said = null;
  }

  /** How many sends one emit on `socket` may carry: 1 unless its server said more. */
  maxItems(socket: RelaySocket): number {
    return this.said?.socket === socket ? this.said.maxItems : 1;
  }
}

/** `rows` (due sends of one channel, in order) cut into runs of at most `maxItems` and BATCH_BYTES. */
export function batchesOf(rows: readonly OperationRow[], maxItems: number): OperationRow[][] {
  const batches: OperationRow[][] = [];
  let batch: OperationRow[] = [];
  let bytes = 0;
  for (const row of rows) {
    const size = wireBytesAtMost(row);
    if (batch.length > 0 && (batch.length >= maxItems || bytes + size > BATCH_BYTES)) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(row);
    bytes += size;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

/**
 * A batch's one outcome as each item's: its ack's answers in order; a timeout or cut for every item.
 * `undefined` when the server refused the batch whole (nothing of it was handled: each goes again).
 * An answer list of the wrong length is unreadable for every item (each backs off, as a single's).
 */
export function outcomesOf(outcome: AckOutcome, items: number): AckOutcome[] | undefined {
  if (outcome.kind !== 'ack') return Array.from({ length: items }, () => outcome);
  const { response } = outcome;
  if (Array.isArray(response) && response.length === items)
    return response.map((answer: unknown) => ({ kind: 'ack', response: answer }));
  if ((response as { ok?: unknown } | null)?.ok === false) return undefined;
  return Array.from({ length: items }, () => ({ kind: 'ack', response: undefined }));
}
